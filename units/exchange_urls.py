"""Excel import and export of the key-unit list (included from units/urls.py, in the `units` namespace)."""

from django.urls import path

from units import exchange_views

urlpatterns = [
    path("export/", exchange_views.export, name="export"),
    path("import/", exchange_views.import_upload, name="import"),
    path("import/template/", exchange_views.import_template, name="import_template"),
    path("import/<uuid:uid>/", exchange_views.import_job, name="import_job"),
    path("import/<uuid:uid>/confirm/", exchange_views.import_confirm, name="import_confirm"),
    path("import/<uuid:uid>/progress/", exchange_views.import_progress, name="import_progress"),
]
