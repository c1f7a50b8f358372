"""Signing in checks the password (Django's ModelBackend); what a user may *do* is the `rules` permissions alone.

Django's ModelBackend also grants a superuser every permission and reads per-user and group permissions. The portal
uses neither: a superuser flag would otherwise let an administrator read business records (三员分立), and permissions
stored in tables would bypass the roles. So this backend authenticates and grants nothing.
"""

from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False
