"""The personnel pool, teams and assignments in Django's admin, for superusers.

Team seats and assignments are read-only here: their rules (1+2+X, confidentiality, one open team per unit, history
of reassignments) live in teams/services.py, which only the portal's pages call.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huhang.readonly_admin import ReadOnlyInline
from teams.models import Assignment, Expertise, Membership, Person, Team, Training


class ExpertiseInline(admin.TabularInline):
    model = Expertise
    extra = 0


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["role", "person"]


class TeamsServedInline(ReadOnlyInline):
    model = Membership
    fields = ["team", "role"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "organisation", "confidentiality_signed_on", "user", "is_active"]
    list_filter = ["kind", "is_active", "expertise__area"]
    search_fields = ["name", "organisation", "technical_fields"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    inlines = [ExpertiseInline, TrainingInline, TeamsServedInline]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "memberships__person__name"]
    inlines = [MembershipInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "team", "start", "end", "assigned_by"]
    list_filter = ["team", ("end", admin.EmptyFieldListFilter)]
    search_fields = ["unit__name", "team__name"]
    list_select_related = ["unit", "team", "assigned_by"]
    date_hierarchy = "start"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
