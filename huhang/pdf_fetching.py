"""What WeasyPrint may read while it renders a PDF: the project's own static files, and nothing else.

A plan's sections and a report's texts are written by users; should a reference ever slip through the sanitiser, the
renderer must not become a way to reach the network from the server (SSRF: http://intranet/…, a cloud's metadata
address) nor to read the server's files into a PDF (file:///etc/passwd). WeasyPrint's default fetcher does both.

The renderers pass `base_url=BASE_URL` and `url_fetcher=StaticFilesFetcher()`: a template's `{% static %}` path then
reads as BASE_URL + /static/…, which this fetcher answers from STATIC_ROOT (collected, hashed names) or through
Django's staticfiles finders (the source folders, as in development). data: URLs are allowed: they carry their bytes
with them and reach nothing. Every other URL — http, https, ftp, file, another host — is refused; WeasyPrint logs a
warning and renders without it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Not a real address (.invalid is reserved, RFC 2606): it only names "the static files" to this fetcher.
STATIC_HOST = "static.huhang.invalid"
BASE_URL = f"https://{STATIC_HOST}/"


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch."""


class StaticFilesFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        path = static_file(url)
        if path is None:
            raise RefusedURL(f"Only the project's static files may be read while rendering a PDF: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(BASE_URL + path.name, path.read_bytes(), {"Content-Type": content_type})


def static_file(url: str) -> Path | None:
    """The static file a BASE_URL + STATIC_URL address names, or None for any other URL."""
    parts = urlsplit(url)
    static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    if parts.scheme != "https" or parts.netloc != STATIC_HOST or not parts.path.startswith(static_prefix):
        return None
    relative = unquote(parts.path.removeprefix(static_prefix))
    if not relative or "\x00" in relative:
        return None
    try:
        # safe_join, here and inside the finders, raises SuspiciousFileOperation for ../ out of the folder.
        collected = safe_join(settings.STATIC_ROOT, relative) if settings.STATIC_ROOT else None
        found = finders.find(relative)
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    candidates = [Path(candidate) for candidate in (collected, found) if candidate]
    return next((candidate for candidate in candidates if candidate.is_file()), None)
