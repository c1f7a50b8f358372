"""Queries and time per page for each demo login, on the database DATABASE_URL points at (after `seed_demo`).

DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python scripts/page_queries.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huhang.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from teams.models import Team  # noqa: E402


def pages(unit_uid: str, request_uid: str, activity_uid: str, team_id: int) -> dict[str, list[str]]:
    unit = f"/units/{unit_uid}/"
    team_report = f"/reports/team/{team_id}/"
    request = f"/archives/requests/{request_uid}/"
    activity = f"/archives/activities/{activity_uid}/"
    return {
        "bureau": [
            "/",
            "/units/",
            "/plans/",
            "/archives/requests/",
            "/archives/requests/?overdue=yes",
            "/archives/activities/",
            unit,
            request,
            activity,
            "/reports/dashboard/",
            "/reports/periods/2026H2/",
            f"{team_report}2026H1/",
            "/reports/province/2026H1/",
            "/reports/province/2026H1/?city=330100",
            "/reports/scorecards/2026H1/",
            "/reports/feedback/",
        ],
        "officer": ["/", "/units/", "/archives/requests/", request, "/reports/dashboard/", "/reports/province/2026H1/"],
        "leader": [
            "/",
            "/archives/requests/",
            "/archives/activities/",
            unit,
            request,
            activity,
            f"/archives/activities/new/?unit={unit_uid}",
            "/reports/team/",
            f"{team_report}2026H2/",
            f"{team_report}2026H1/",
            f"{team_report}2026H2/cases/",
            "/reports/dashboard/",
            "/reports/scorecards/2026H1/",
        ],
        "expert": ["/", "/archives/requests/", "/archives/activities/"],
        "unit": ["/", "/archives/requests/", "/archives/activities/", unit, request, activity],
    }


@override_settings(ALLOWED_HOSTS=["*"])
def main() -> None:
    unit = User.objects.get(username="unit").unit
    # The unit's busiest request thread and latest activity.
    request = unit.requests.annotate(posts=Count("messages")).order_by("-posts").first()
    activity = unit.activities.order_by("-date").first()
    Client().get("/accounts/login/")  # the first request of a process loads the templates and the catalogue
    team = Team.objects.get(memberships__person__user__username="leader", memberships__role="leader")
    for username, urls in pages(str(unit.uid), str(request.uid), str(activity.uid), team.pk).items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                status = client.get(url).status_code
                elapsed = time.perf_counter() - started
            print(f"{username:8} {status} {len(queries):3d} queries {elapsed * 1000:6.0f} ms  {url}")


main()
