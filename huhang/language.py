"""The portal speaks Chinese unless the user asked for another language with the language switch.

Django's LocaleMiddleware would also follow the browser's Accept-Language header, so an official whose browser is
set to English would get an English portal, login page included, without ever asking for it. This middleware takes
its place and reads only the switch's cookie (set by django.views.i18n.set_language); without it, LANGUAGE_CODE.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def chosen_language(request: HttpRequest) -> str:
    """The language of the switch's cookie when it names one of LANGUAGES, otherwise the portal's default."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LanguageCookieMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The same URL is Chinese or English by the cookie: a shared cache must not hand one to the other.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
