"""The half-year reports in Django's admin: for looking records up. The workflow, the flags and the feedback run
through the portal's services only (reports/services.py)."""

from django.contrib import admin

from huhang.readonly_admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline
from reports.models import (
    ExportJob,
    FeedbackQuestion,
    FeedbackScore,
    ReportEvent,
    TeamReport,
    TypicalCase,
    UnitFeedback,
)


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["created_at", "action", "actor", "comment"]
    readonly_fields = fields


@admin.register(TeamReport)
class TeamReportAdmin(ReadOnlyHistoryAdmin):
    list_display = ["team", "period", "status", "submitted_at", "reviewed_at"]
    list_filter = ["period", "status"]
    list_select_related = ["team"]
    search_fields = ["team__name"]
    exclude = ["figures"]
    inlines = [ReportEventInline]


@admin.register(TypicalCase)
class TypicalCaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["period", "unit", "team", "activity", "request", "flagged_by"]
    list_filter = ["period"]
    list_select_related = ["unit", "team", "activity__unit", "request", "flagged_by"]
    search_fields = ["unit__name"]
    raw_id_fields = ["activity", "request"]


@admin.register(FeedbackQuestion)
class FeedbackQuestionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["position", "text", "is_active"]


class FeedbackScoreInline(ReadOnlyInline):
    model = FeedbackScore
    fields = ["question", "score"]
    readonly_fields = fields


@admin.register(UnitFeedback)
class UnitFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "team", "author", "created_at"]
    list_filter = ["period"]
    list_select_related = ["unit", "team", "author"]
    search_fields = ["unit__name"]
    inlines = [FeedbackScoreInline]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "created_by", "kind", "period", "format", "status"]
    list_filter = ["status", "format"]
    list_select_related = ["created_by"]
