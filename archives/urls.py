from django.urls import path

from archives.views import activities, attachments, limits
from archives.views import requests as request_views

app_name = "archives"

urlpatterns = [
    # The service archive
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path(
        "activities/new/experts/search/",
        activities.activity_form_expert_typeahead,
        name="activity_form_expert_typeahead",
    ),
    path("activities/<uuid:uid>/", activities.activity_detail, name="activity_detail"),
    path("activities/<uuid:uid>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<uuid:uid>/experts/", activities.activity_invite_expert, name="activity_invite_expert"),
    path(
        "activities/<uuid:uid>/experts/search/",
        activities.activity_expert_typeahead,
        name="activity_expert_typeahead",
    ),
    path("activities/<uuid:uid>/attachments/", activities.activity_attach, name="activity_attach"),
    path("activities/<uuid:uid>/opinions/", activities.activity_comment, name="activity_comment"),
    # The units' requests
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<uuid:uid>/", request_views.request_detail, name="request_detail"),
    path("requests/<uuid:uid>/accept/", request_views.request_accept, name="request_accept"),
    path("requests/<uuid:uid>/reply/", request_views.request_reply, name="request_reply"),
    path("requests/<uuid:uid>/experts/", request_views.request_invite_expert, name="request_invite_expert"),
    path(
        "requests/<uuid:uid>/experts/search/",
        request_views.request_expert_typeahead,
        name="request_expert_typeahead",
    ),
    path("requests/<uuid:uid>/refer/", request_views.request_refer, name="request_refer"),
    path(
        "requests/<uuid:uid>/referrals/<int:referral_id>/reply/",
        request_views.referral_reply,
        name="referral_reply",
    ),
    path("requests/<uuid:uid>/close/", request_views.request_close, name="request_close"),
    path("requests/<uuid:uid>/reopen/", request_views.request_reopen, name="request_reopen"),
    # Files and settings
    path("attachments/<uuid:uid>/", attachments.attachment_download, name="attachment_download"),
    path("response-limits/", limits.response_limit_settings, name="response_limits"),
]
