from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huhang.readonly_admin import ReadOnlyInline
from units.models import Division, IPProfile, ListingEvent, Unit, UnitContact


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "city"]
    list_filter = ["level"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request) -> bool:
        return False  # loaded from the shipped division list only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ContactInline(admin.TabularInline):
    model = UnitContact
    extra = 0


class IPProfileInline(admin.TabularInline):
    model = IPProfile
    extra = 0
    readonly_fields = ["recorded_by"]


class ListingEventInline(ReadOnlyInline):
    """The list's history is only ever added to, through the portal's select and remove pages."""

    model = ListingEvent
    readonly_fields = ["kind", "date", "batch", "reason", "recorded_by", "created_at"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "category", "division", "is_listed"]
    list_filter = ["is_listed", "category", "division__city"]
    search_fields = ["name", "credit_code", "name_initials"]
    list_select_related = ["division__city"]
    readonly_fields = ["uid", "name_initials", "is_listed"]
    inlines = [ContactInline, IPProfileInline, ListingEventInline]
