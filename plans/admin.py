"""The plans in Django's admin: for looking things up. The workflow runs through the portal's services only."""

from django.contrib import admin

from huhang.readonly_admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline
from plans.models import Measure, Plan, PlanEvent, PlanVersion, ProgressNote


class VersionInline(ReadOnlyInline):
    model = PlanVersion
    fields = ["number", "status", "revision", "updated_at"]
    readonly_fields = fields
    show_change_link = True


class EventInline(ReadOnlyInline):
    model = PlanEvent
    fields = ["created_at", "version", "action", "actor", "comment"]
    readonly_fields = fields


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["unit", "due_on", "in_force", "working"]
    list_select_related = ["unit", "in_force", "working"]
    search_fields = ["unit__name", "unit__credit_code"]
    readonly_fields = ["uid", "unit", "in_force", "working"]
    inlines = [VersionInline, EventInline]


class MeasureInline(ReadOnlyInline):
    model = Measure
    fk_name = "version"
    fields = ["position", "area", "content", "owner", "due_on", "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["plan", "number", "status", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["plan__unit"]
    search_fields = ["plan__unit__name"]
    readonly_fields = ["plan", "number", "status", "revision", "ip_profile"]
    inlines = [MeasureInline]


@admin.register(ProgressNote)
class ProgressNoteAdmin(ReadOnlyAdmin):
    list_display = ["measure", "date", "author"]
    list_select_related = ["measure", "author"]
    raw_id_fields = ["measure", "author"]
