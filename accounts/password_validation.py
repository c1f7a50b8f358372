"""Django's password rules with the portal's own sentences: Django's Chinese catalogue misses some of its newer
messages (the minimum length reaches the user in English) and joins others to field names with stray spaces."""

from __future__ import annotations

from django.contrib.auth import password_validation as django_rules
from django.utils.translation import gettext as _

# The attributes a password must not resemble: the portal's user has one full name, not first and last names.
USER_ATTRIBUTES = ("username", "full_name", "email")


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("This password is too short: it needs at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_rules.UserAttributeSimilarityValidator):
    def __init__(self, user_attributes=USER_ATTRIBUTES, max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return _("This password is too similar to your %(verbose_name)s.")

    def get_help_text(self) -> str:
        return _("Not too similar to your name, username or e-mail.")


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("This password is too common.")

    def get_help_text(self) -> str:
        return _("Not a commonly used password.")


class NumericPasswordValidator(django_rules.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("This password is made of digits only.")

    def get_help_text(self) -> str:
        return _("Not made of digits only.")
