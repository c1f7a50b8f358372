"""No browser or proxy keeps a copy of what a signed-in user saw or downloaded.

The portal shows trade-secret-grade records of key units and contacts' personal data: a page or file left in a shared
computer's browser cache, or in a proxy's, is readable by the next person (MLPS 2.0 level 3, residual information;
ASVS 5.0 V14.3). So every response to an authenticated user, and every download whoever asked for it, is marked
`Cache-Control: no-store` (with `Pragma: no-cache` for HTTP/1.0 proxies): whatever caching the view allowed is
replaced, and a view's own header that already says no-store (Django's never_cache) is kept.

Anonymous pages (the login page keeps Django's never-cache headers) are left alone, and static files never reach this
middleware: WhiteNoise, above it, answers them with their long-lived public caching — they hold no one's data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, HttpRequest, HttpResponseBase

NO_STORE = "no-store"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if _is_download(response) or _signed_in(request):
            if NO_STORE not in _directives(response):  # a view's own no-store (never_cache, …) is kept as it is
                response["Cache-Control"] = NO_STORE
            response["Pragma"] = "no-cache"
        return response


def _is_download(response: HttpResponseBase) -> bool:
    return isinstance(response, FileResponse) or "Content-Disposition" in response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent when a middleware above answered before authentication
    return bool(user is not None and user.is_authenticated)


def _directives(response: HttpResponseBase) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
