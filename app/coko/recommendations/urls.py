from django.urls import path

from coko.recommendations import views

urlpatterns = [path("popular/", views.popular_books, name="popular-books")]
