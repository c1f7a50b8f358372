"""Downloading an attachment, after the scope check of archives.selectors."""

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from archives.selectors import attachment_get_for_user
from audit.models import Action
from audit.services import record


@require_GET
def attachment_download(request: HttpRequest, uid) -> HttpResponse:
    """Sends the file as a download, never inline, so a file cannot run as a page of the portal. With
    SENDFILE_X_ACCEL set, the reverse proxy sends it from its internal location (the check stays here)."""
    attachment = attachment_get_for_user(user=request.user, uid=uid)
    record(Action.DOWNLOAD, request=request, obj=attachment)
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
