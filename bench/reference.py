"""The two references the pages are measured against, on the same data in the same run.

- Django's admin, the unit changelist as a Django team would write it: a plain ModelAdmin with list_display,
  list_filter, search_fields and list_select_related, on a site of the bench's own (the portal's admin registers no
  business model since issue 13). The bench's login (the bureau) may view it.
- The floor: a login-required view that renders one unit's row in the portal's base template — what any page costs
  before it does anything (middleware, session, the header's navigation).
"""

from django.contrib import admin
from django.shortcuts import render

from units.models import Unit
from units.scopes import visible_units


class ReferenceAdminSite(admin.AdminSite):
    site_header = "Bench reference"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_authenticated


class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "division", "category", "is_listed")
    list_filter = ("category", "is_listed", "division__city")
    search_fields = ("name", "credit_code")
    list_select_related = ("division__city",)  # a county names its city

    # The site lets the bench's login in; the roles grant no admin permission, so the model admin does.
    def has_module_permission(self, request) -> bool:
        return True

    def has_view_permission(self, request, obj=None) -> bool:
        return True

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


reference_admin = ReferenceAdminSite(name="bench_admin")
reference_admin.register(Unit, UnitAdmin)


def floor(request):
    """One unit of the user's scope, one row, in the base template (login required by the middleware)."""
    unit = visible_units(request.user).select_related("division__city").order_by("pk").first()
    return render(request, "bench/floor.html", {"unit": unit})
