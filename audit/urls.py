from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export/", views.event_export, name="export"),
    path("my-unit/", views.unit_reads, name="unit_reads"),
]
