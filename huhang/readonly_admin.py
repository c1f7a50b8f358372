"""Admin pages for looking records up: the portal's services make every change (their rules, locks and history),
so the admin of the apps shows those records without add, change or delete."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a delete cascades past every service rule and erases history the programme keeps


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Read-only, with the record's history page."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a POST to a past version's page (a "revert") on the view permission alone:
        # the record would go back past its services. Looking at a past version stays possible.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown under a record, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
