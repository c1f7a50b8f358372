"""The plans in Django's admin: for looking things up. The workflow runs through the portal's services only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huhang.readonly_admin import ReadOnlyInline
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
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "due_on", "in_force", "working"]
    list_select_related = ["unit", "in_force", "working"]
    search_fields = ["unit__name", "unit__credit_code"]
    readonly_fields = ["uid", "unit", "in_force", "working"]
    inlines = [VersionInline, EventInline]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fk_name = "version"
    raw_id_fields = ["owner", "carried_from"]


@admin.register(PlanVersion)
class PlanVersionAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "status", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["plan__unit"]
    search_fields = ["plan__unit__name"]
    readonly_fields = ["plan", "number", "status", "revision", "ip_profile"]
    inlines = [MeasureInline]


@admin.register(ProgressNote)
class ProgressNoteAdmin(admin.ModelAdmin):
    list_display = ["measure", "date", "author"]
    list_select_related = ["measure", "author"]
    raw_id_fields = ["measure", "author"]
