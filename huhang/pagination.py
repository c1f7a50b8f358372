"""One page of a list, the same way on every page: `?page=` (or the list's own parameter), out-of-range pages
answered with the last one rather than an error."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 20


def page_of(request: HttpRequest, rows, *, size: int = PAGE_SIZE, param: str = "page") -> Page:
    return Paginator(rows, size).get_page(request.GET.get(param))
