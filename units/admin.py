"""The key units in Django's admin, for superusers to look things up. All read-only: units/services.py keeps the
rules (normalised names and codes, pinyin initials, one primary contact, dated IP profiles never edited in place,
the list's history), and the divisions come from the shipped list only (an officer's scope follows them)."""

from django.contrib import admin

from huhang.readonly_admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline
from units.models import Division, IPProfile, ListingEvent, Unit, UnitContact


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "city"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


class ContactInline(ReadOnlyInline):
    model = UnitContact
    fields = ["name", "position", "phone", "email", "is_primary"]


class IPProfileInline(ReadOnlyInline):
    model = IPProfile
    fields = ["as_of", "invention_patents", "utility_models", "pct_applications", "trademarks", "ip_certified"]


class ListingEventInline(ReadOnlyInline):
    """The list's history is only ever added to, through the portal's select and remove pages."""

    model = ListingEvent
    readonly_fields = ["kind", "date", "batch", "reason", "recorded_by", "created_at"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "credit_code", "category", "division", "is_listed"]
    list_filter = ["is_listed", "category", "division__city"]
    search_fields = ["name", "credit_code", "name_initials"]
    list_select_related = ["division__city"]
    readonly_fields = ["uid", "name_initials", "is_listed"]
    inlines = [ContactInline, IPProfileInline, ListingEventInline]
