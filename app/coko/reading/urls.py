from django.urls import path

from coko.reading import views

urlpatterns = [
    path("progress/", views.progress_list, name="progress-list"),
    path("progress/<int:book_id>/", views.progress_detail, name="progress-detail"),
]
