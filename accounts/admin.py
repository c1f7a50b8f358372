"""The logins in Django's admin, for the system administrator to look them up and to grant the admin (staff).

Everything else about a login is the portal's (accounts/services.py): the bureau creates logins from a unit's
contacts, the personnel pool or the logins list, with an initial password the user must change; it disables a login
(its sessions end at once) or resets a forgotten password there. So the admin neither adds, deletes nor sets
passwords, and a role, binding or active flag is read-only here.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User

# The admin itself; groups and per-user permissions are unused (what a role may do is the apps' rules.py).
PERMISSION_FIELDS = ["is_staff"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    # No unit by name: the system administrator reads no business record (三员分立), and which key units have
    # logins is the programme's information.
    list_display = ["username", "full_name", "role", "division", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    # Not by e-mail or phone: they are stored encrypted (huhang/crypto.py), the database cannot search them.
    search_fields = ["username", "full_name"]
    list_select_related = ["division__city"]
    filter_horizontal = ()
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone"]}),
        (_("Role and scope"), {"fields": ["role", "division"]}),
        (_("Status"), {"fields": ["is_active", "must_change_password"]}),
        (_("Permissions"), {"fields": PERMISSION_FIELDS}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a login is disabled, never deleted: records keep their author

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        editable = set(PERMISSION_FIELDS)
        return [field for _name, options in self.fieldsets for field in options["fields"] if field not in editable]

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied  # passwords: the user's own page, or a reset in the portal's logins list

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # no "revert" past the services
        return super().history_form_view(request, object_id, version_id, extra_context)
