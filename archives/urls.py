from django.urls import path

from archives import views

app_name = "archives"

urlpatterns = [
    path("attachments/<uuid:uid>/", views.attachment_download, name="attachment_download"),
]
