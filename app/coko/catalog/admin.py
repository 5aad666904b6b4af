from django.contrib import admin

from coko.catalog.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "language", "published_year")
    search_fields = ("title", "author", "isbn")
