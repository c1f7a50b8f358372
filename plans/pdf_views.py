"""The printed plan: an A4 PDF of one version (the rendering is plans/pdf.py). Fetched through the plan scope
(plans/scopes.py), so a plan outside the user's scope answers 404 — the same answer as a plan that does not exist."""

from __future__ import annotations

import io
import logging
import time
from typing import TYPE_CHECKING

from django.http import FileResponse
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import record
from plans import pdf, selectors

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest

logger = logging.getLogger(__name__)


@require_GET
def plan_pdf(request: HttpRequest, uid: uuid.UUID, number: int) -> FileResponse:
    version = selectors.plan_version_get_for_user(user=request.user, uid=uid, number=number)
    record(Action.EXPORT, request=request, obj=version.plan, detail={"format": "pdf", "version": version.number})
    started = time.monotonic()
    content = pdf.plan_pdf(version=version)
    logger.info("plan pdf %s v%s rendered in %.2f s", version.plan.uid, version.number, time.monotonic() - started)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=pdf.plan_pdf_filename(version=version),
        content_type=pdf.CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # confidential: never kept by a shared cache
    return response
