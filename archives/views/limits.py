"""The bureau's response time limits page."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from archives.forms.limits import ResponseLimitFormSet
from archives.models import RequestKind
from archives.services import response_limit_set, response_limits


@permission_required("archives.manage_response_limits", raise_exception=True)
def response_limit_settings(request: HttpRequest) -> HttpResponse:
    """One row per request kind; all rows are saved together or none."""
    initial = [
        {"kind": kind, "accept_days": accept, "answer_days": answer}
        for kind in RequestKind.values
        for accept, answer in [response_limits(kind)]
    ]
    formset = ResponseLimitFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for form in formset:
                response_limit_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The response time limits have been saved; they apply to new requests."))
        return redirect("archives:response_limits")
    return render(request, "archives/response_limits.html", {"formset": formset})
