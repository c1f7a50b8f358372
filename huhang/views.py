"""The health check: the one page of the shared ground. It imports no app (the pages of the apps are theirs)."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huhang import health


@login_not_required
@require_GET
@never_cache
@transaction.non_atomic_requests  # a probe must not open a transaction it cannot close when the DB is down
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.check()
    return JsonResponse(report, status=200 if report["status"] != "error" else 503)
