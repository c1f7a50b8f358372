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


def pages(unit_uid: str, request_uid: str, activity_uid: str) -> dict[str, list[str]]:
    unit = f"/units/{unit_uid}/"
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
        ],
        "officer": ["/", "/units/", "/archives/requests/", request],
        "leader": [
            "/",
            "/archives/requests/",
            "/archives/activities/",
            unit,
            request,
            activity,
            f"/archives/activities/new/?unit={unit_uid}",
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
    for username, urls in pages(str(unit.uid), str(request.uid), str(activity.uid)).items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                status = client.get(url).status_code
                elapsed = time.perf_counter() - started
            print(f"{username:8} {status} {len(queries):3d} queries {elapsed * 1000:6.0f} ms  {url}")


main()
