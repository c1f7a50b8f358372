"""Denied access in the trail: a 403, or a 404 from a page of the portal (a probe of someone else's plan, request or
file answers 404 — the same as a record that does not exist — whether the record is named in the path or in the query
string, as in activities/new/?unit=…; an address that matches no page is not a denial).

Placed just below AuthenticationMiddleware (settings.MIDDLEWARE), it sees the response after the view's transaction
(ATOMIC_REQUESTS) has been rolled back, so the event is written on its own and survives the rollback.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.models import Action, Result
from audit.services import record

DENIED_STATUSES = (403, 404)
KWARG_LIMIT = 64  # characters of a URL argument kept: a probe may send anything


class DeniedAccessAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in DENIED_STATUSES:
            match = getattr(request, "resolver_match", None)
            kwargs = dict(match.kwargs) if match is not None else {}
            if response.status_code == 403 or match is not None:
                object_id = next(iter(kwargs.values()), "")
                record(
                    Action.DENIED,
                    request=request,
                    result=Result.DENIED,
                    object_repr=match.view_name if match is not None else "",  # which page, e.g. plans:detail
                    object_id=str(object_id)[:KWARG_LIMIT],
                    detail={
                        "status": response.status_code,
                        "method": request.method,
                        "arguments": {name: str(value)[:KWARG_LIMIT] for name, value in kwargs.items()},
                        "query": {name: value[:KWARG_LIMIT] for name, value in list(request.GET.items())[:10]},
                    },
                )
        return response
