"""Django's admin is the system administrator's (三员分立): the logins, nothing of the programme's records.

No business app registers a model here; and since permissions come from the roles alone (accounts/backends.py), a
model another package registers (django-axes' attempts, django-otp's devices) shows only to a role granted its view
permission in a rules.py — none is.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        # The second factor is also the middleware's (accounts/middleware.py); asked here again, as the admin's own.
        verified = getattr(user, "is_verified", None)
        return bool(
            user.is_active
            and user.is_staff
            and getattr(user, "role", "") == "system_admin"
            and verified is not None
            and verified()
        )


class PortalAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.PortalAdminSite"
