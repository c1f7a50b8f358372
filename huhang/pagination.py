"""One page of a list, the same way on every page: `?page=` (or the list's own parameter), out-of-range pages
answered with the last one rather than an error."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from huhang.freshness import cached_count

PAGE_SIZE = 20


def page_of(request: HttpRequest, rows, *, size: int = PAGE_SIZE, param: str = "page") -> Page:
    return Paginator(rows, size).get_page(request.GET.get(param))


class CappedPaginator(Paginator):
    """A paginator whose `count` stops at `cap`; `capped` says there are more rows than that (the pages offered end
    at the cap). Counting a long list whole costs more than its page; nobody pages through thousands of rows, they
    filter or type more.

    The count goes through the cache (huhang.freshness.cached_count), so a list paged or shown again with the same
    scope and filters reads it back: only for rows of watched tables (the units and the archive's lists)."""

    cap = 2_000

    def count_up_to(self, limit: int) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return cached_count(rows.order_by().values("pk")[:limit])  # a LIMIT inside the count
        return min(len(rows), limit)

    @cached_property
    def _counted(self) -> int:
        return self.count_up_to(self.cap + 1)

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
