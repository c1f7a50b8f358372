"""Pages of the archive's long lists without counting them whole.

At 100× the bureau's archive holds ~750,000 activities and ~150,000 requests: counting them for the paginator on
every view cost more than the page itself. Nobody pages through thousands of rows, they filter; so the lists count
up to `COUNT_CAP` rows (a `LIMIT` inside the count, served by the order's index) and say "more than" beyond it. A
team's or a unit's scope stays far below the cap and is counted exactly.
"""

from __future__ import annotations

from huhang import pagination

COUNT_CAP = 2_000


class CappedPaginator(pagination.CappedPaginator):
    cap = COUNT_CAP
