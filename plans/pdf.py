"""The printed plan (打印方案): one plan version as an A4 PDF, rendered by WeasyPrint.

Chinese glyphs come from Debian's WenQuanYi Micro Hei (fonts-wqy-microhei, installed by the Makefile, the Dockerfile
and therefore CI), found through fontconfig. Where the font is missing the render fails loudly: a PDF of empty boxes
(tofu) that looks fine to the server and is unreadable to the bureau is the worse outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from huhang.vocabulary import TaskArea
from plans.models import SECTIONS, Measure, Plan, PlanEvent, PlanVersion
from teams.models import Assignment

if TYPE_CHECKING:
    import datetime

    from units.models import IPProfile

FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_FAMILY = "WenQuanYi Micro Hei"
CONTENT_TYPE = "application/pdf"


class PdfFontMissing(ImproperlyConfigured):
    """The CJK font is not installed on this machine."""


@dataclass(frozen=True)
class Section:
    title: str
    html: str  # sanitised on save (plans/sanitising.py)


@dataclass(frozen=True)
class AreaGroup:
    area: str
    label: str
    measures: list[Measure]


@dataclass(frozen=True)
class PlanDocument:
    version: PlanVersion
    unit_name: str
    team_name: str
    approved_on: datetime.date | None
    sections: list[Section]
    profile: IPProfile | None
    groups: list[AreaGroup]


def require_font() -> None:
    if not FONT_FILE.is_file():
        raise PdfFontMissing(
            f"The Chinese font for PDFs is missing ({FONT_FILE}): install fonts-wqy-microhei "
            "(apt-get install fonts-wqy-microhei), then render again."
        )


def plan_document(*, version: PlanVersion) -> PlanDocument:
    """Everything the printed plan shows, in a fixed number of queries."""
    version = (
        PlanVersion.objects.select_related("plan__unit__division__city", "ip_profile")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.select_related("owner").order_by("position", "pk"))
        )
        .get(pk=version.pk)
    )
    unit = version.plan.unit
    approved_on = None
    if version.status in (PlanVersion.Status.APPROVED, PlanVersion.Status.SUPERSEDED):
        approval = PlanEvent.objects.filter(version=version, action=PlanEvent.Action.APPROVED).order_by("-created_at")
        approved_at = approval.values_list("created_at", flat=True).first()
        approved_on = timezone.localdate(approved_at) if approved_at else None  # the bureau's day, not UTC's
    team = Assignment.objects.filter(unit=unit, end__isnull=True).values_list("team__name", flat=True).first() or ""
    by_area: dict[str, list[Measure]] = {}
    for measure in version.measures.all():
        by_area.setdefault(measure.area, []).append(measure)
    groups = [AreaGroup(area, str(label), by_area[area]) for area, label in TaskArea.choices if area in by_area]
    sections = [
        Section(str(capfirst(PlanVersion._meta.get_field(name).verbose_name)), getattr(version, name))
        for name in SECTIONS
    ]
    return PlanDocument(
        version=version,
        unit_name=unit.name,
        team_name=team,
        approved_on=approved_on,
        sections=sections,
        profile=version.ip_profile,
        groups=groups,
    )


def plan_pdf(*, version: PlanVersion) -> bytes:
    """The version as PDF bytes (~1 s for a plan of a few pages)."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.5 s that no other page should pay

    from huhang.pdf_fetching import BASE_URL, StaticFilesFetcher  # reads only the project's static files

    require_font()
    document = plan_document(version=version)
    html = render_to_string(
        "plans/pdf.html",
        {"doc": document, "version": document.version, "font_family": FONT_FAMILY},
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()


def plan_pdf_filename(*, version: PlanVersion) -> str:
    """服务方案 file name with the unit's name, e.g. 钱塘智能计算实验室_服务方案_第2版.pdf (sent as RFC 5987
    filename*)."""
    label = _("Version %(number)s") % {"number": version.number}
    name = f"{version.plan.unit.name}_{Plan._meta.verbose_name}_{label}.pdf"
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)
