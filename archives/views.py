"""The archive's pages: downloading an attachment after the scope check; the bureau's response time limits."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from archives.forms import ResponseLimitFormSet
from archives.models import RequestKind
from archives.selectors import attachment_get_for_user
from archives.services import response_limit_set, response_limits


@require_GET
def attachment_download(request: HttpRequest, uid) -> HttpResponse:
    """Sends the file as a download, never inline, so a file cannot run as a page of the portal. With
    SENDFILE_X_ACCEL set, the reverse proxy sends it from its internal location (the check stays here)."""
    attachment = attachment_get_for_user(user=request.user, uid=uid)
    if settings.SENDFILE_X_ACCEL:
        response = HttpResponse(content_type=attachment.content_type)
        response["X-Accel-Redirect"] = settings.SENDFILE_X_ACCEL.rstrip("/") + "/" + attachment.file.name
        response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
