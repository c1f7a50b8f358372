"""Pages that belong to the portal as a whole: the home page of each role and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Role
from huhang import health
from huhang.home import home_context


def home(request: HttpRequest) -> HttpResponse:
    role = Role(request.user.role)
    return render(request, f"home/{role.value}.html", home_context(request.user))


@login_not_required
@require_GET
@never_cache
@transaction.non_atomic_requests  # a probe must not open a transaction it cannot close when the DB is down
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.check()
    return JsonResponse(report, status=200 if report["status"] != "error" else 503)
