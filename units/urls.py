from django.urls import path

from units import excel_views, login_views, views

app_name = "units"

urlpatterns = [
    path("", views.UnitListView.as_view(), name="list"),
    path("new/", views.unit_create, name="create"),
    path("exchange/export/", excel_views.export, name="export"),
    path("exchange/import/", excel_views.import_upload, name="import"),
    path("exchange/import/template/", excel_views.import_template, name="import_template"),
    path("exchange/import/<uuid:uid>/", excel_views.import_job, name="import_job"),
    path("exchange/import/<uuid:uid>/confirm/", excel_views.import_confirm, name="import_confirm"),
    path("exchange/import/<uuid:uid>/progress/", excel_views.import_progress, name="import_progress"),
    path("<uuid:uid>/", views.unit_detail, name="detail"),
    path("<uuid:uid>/edit/", views.unit_edit, name="edit"),
    path("<uuid:uid>/remove/", views.unit_remove, name="remove"),
    path("<uuid:uid>/reselect/", views.unit_reselect, name="reselect"),
    path("<uuid:uid>/contacts/new/", views.contact_edit, name="contact_create"),
    path("<uuid:uid>/contacts/<int:contact_id>/", views.contact_edit, name="contact_edit"),
    path("<uuid:uid>/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("<uuid:uid>/contacts/<int:contact_id>/login/", login_views.contact_login_create, name="contact_login_create"),
    path("<uuid:uid>/ip-profile/", views.ip_profile_record, name="ip_profile"),
]
