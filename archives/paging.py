"""Pages of the archive's long lists without counting them whole.

At 100× the bureau's archive holds ~750,000 activities and ~150,000 requests: counting them for the paginator on
every view cost more than the page itself. Nobody pages through thousands of rows, they filter; so the lists count
up to `COUNT_CAP` rows (a `LIMIT` inside the count, served by the order's index) and say "more than" beyond it. A
team's or a unit's scope stays far below the cap and is counted exactly.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 2_000


class CappedPaginator(Paginator):
    """A paginator whose `count` stops at `cap`; `capped` says there are more rows than that (the pages offered end
    at the cap)."""

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by().values("pk")[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
