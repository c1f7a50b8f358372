"""Django's password rules with the portal's own sentences: Django's Chinese catalogue misses some of its newer
messages (the minimum length reaches the user in English) and joins others to field names with stray spaces.
Two rules of MLPS 2.0 level 3 are the portal's own: 3 of 4 kinds of characters, and none of the last 5 passwords."""

from __future__ import annotations

from django.contrib.auth import password_validation as django_rules
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import PASSWORD_HISTORY_LENGTH, PasswordHistory

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


class CharacterClassesValidator:
    """MLPS 2.0 level 3 asks for complexity: characters of at least `min_classes` of upper-case letters, lower-case
    letters, digits and symbols (anything else, a space or a Chinese character included)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        upper = any(char.isupper() for char in password)
        lower = any(char.islower() for char in password)
        digit = any(char.isdigit() for char in password)
        symbol = any(not (char.isupper() or char.islower() or char.isdigit()) for char in password)
        return upper + lower + digit + symbol

    def validate(self, password: str, user=None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.get_error_message(), code="password_too_simple")

    def get_error_message(self) -> str:
        return _(
            "This password needs characters of at least %(min_classes)d of these kinds: upper-case letters, "
            "lower-case letters, digits and symbols."
        ) % {"min_classes": self.min_classes}

    def get_help_text(self) -> str:
        return _("At least %(min_classes)d of upper-case letters, lower-case letters, digits and symbols.") % {
            "min_classes": self.min_classes
        }


class PasswordHistoryValidator:
    """None of the user's last PASSWORD_HISTORY_LENGTH passwords again (MLPS 2.0 level 3).

    Django calls `password_changed` after every save of a password set with set_password, whoever set it, so the
    history is kept here rather than in each service.
    """

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:PASSWORD_HISTORY_LENGTH]
        # The current password is refused by the password change itself, in its own words (accounts/services.py).
        earlier = [encoded for encoded in recent if encoded != user.password]
        if any(check_password(password, encoded) for encoded in earlier):
            raise ValidationError(self.get_error_message(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[PASSWORD_HISTORY_LENGTH:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_error_message(self) -> str:
        return _("You used this password recently: choose one that is not among your last %(count)d.") % {
            "count": PASSWORD_HISTORY_LENGTH
        }

    def get_help_text(self) -> str:
        return _("Not one of your last %(count)d passwords.") % {"count": PASSWORD_HISTORY_LENGTH}
