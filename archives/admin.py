"""The archive in Django's admin: for looking things up. Writes run through archives/services.py; only the
response time limits are edited here (they are plain settings)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from archives.models import Activity, ActivityComment, Attachment, Referral, Request, RequestMessage, ResponseLimit
from huhang.readonly_admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline


class OpinionInline(ReadOnlyInline):
    model = ActivityComment
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["date", "unit", "kind", "team"]
    list_filter = ["kind"]
    list_select_related = ["unit", "team"]
    search_fields = ["unit__name", "summary"]
    date_hierarchy = "date"
    inlines = [OpinionInline]


class MessageInline(ReadOnlyInline):
    model = RequestMessage
    fields = ["created_at", "author", "is_internal", "is_answer", "text"]
    readonly_fields = fields


@admin.register(Request)
class RequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["submitted_at", "unit", "kind", "status", "accept_due_at", "answer_due_at", "rating"]
    list_filter = ["status", "kind"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "title"]
    inlines = [MessageInline]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyHistoryAdmin):
    list_display = ["request", "addressee", "referred_on", "replied_on"]
    list_select_related = ["request", "division__city"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "extension", "size", "activity", "request", "created_at"]
    list_select_related = ["activity__unit", "request"]
    exclude = ["file"]  # the stored path is not for display: downloads go through the scoped view


@admin.register(ResponseLimit)
class ResponseLimitAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "accept_days", "answer_days"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
