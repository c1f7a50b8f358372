from django.urls import path

from archives import views

app_name = "archives"

urlpatterns = [
    path("attachments/<uuid:uid>/", views.attachment_download, name="attachment_download"),
    path("response-limits/", views.response_limit_settings, name="response_limits"),
]
