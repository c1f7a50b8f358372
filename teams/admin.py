"""The personnel pool, teams and assignments in Django's admin, for superusers to look things up.

All read-only: their rules (1+2+X, confidentiality, one open team per unit, history of reassignments, the person's
login link, normalised names and phones) live in teams/services.py, which only the portal's pages call.
"""

from django.contrib import admin

from huhang.readonly_admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline
from teams.models import Assignment, Expertise, Membership, Person, Team, Training


class ExpertiseInline(ReadOnlyInline):
    model = Expertise
    fields = ["area"]


class TrainingInline(ReadOnlyInline):
    model = Training
    fields = ["title", "attended_on"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["role", "person"]


class TeamsServedInline(ReadOnlyInline):
    model = Membership
    fields = ["team", "role"]


@admin.register(Person)
class PersonAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "kind", "organisation", "confidentiality_signed_on", "user", "is_active"]
    list_filter = ["kind", "is_active", "expertise__area"]
    search_fields = ["name", "organisation", "technical_fields"]
    list_select_related = ["user"]
    inlines = [ExpertiseInline, TrainingInline, TeamsServedInline]


@admin.register(Team)
class TeamAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "memberships__person__name"]
    inlines = [MembershipInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "team", "start", "end", "assigned_by"]
    list_filter = ["team", ("end", admin.EmptyFieldListFilter)]
    search_fields = ["unit__name", "team__name"]
    list_select_related = ["unit", "team", "assigned_by"]
    date_hierarchy = "start"
