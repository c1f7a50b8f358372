"""What is reminded (DOMAIN.md, "Reminders"; issue 12): the kinds, and how each is delivered by default.

A kind's e-mail goes at once (still never at night or on a non-working day) or in the recipient's daily digest at
9:00; each user may change that per kind (EmailPreference). The in-portal bell always shows a reminder at once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REQUEST_RAISED = "request_raised", _("A request is raised")
    REQUEST_DUE_SOON = "request_due_soon", _("A request's time limit is near")
    REQUEST_MISSED = "request_missed", _("A request's time limit is missed")
    REQUEST_ANSWERED = "request_answered", _("A request is answered")
    REQUEST_REFERRED = "request_referred", _("A request is referred to your department")
    EXPERT_INVITED = "expert_invited", _("You are invited to a request")
    PLAN_DUE_SOON = "plan_due_soon", _("A plan is due soon")
    PLAN_OVERDUE = "plan_overdue", _("A plan is past due")
    PLAN_RETURNED = "plan_returned", _("A plan is returned with comments")
    PLAN_APPROVED = "plan_approved", _("A plan is approved")
    MEASURE_DUE_SOON = "measure_due_soon", _("A measure is due soon")
    MEASURE_OVERDUE = "measure_overdue", _("A measure is overdue")
    REPORT_DUE_SOON = "report_due_soon", _("A half-year report is due soon")
    REPORT_OVERDUE = "report_overdue", _("A half-year report is past due")
    REPORT_RETURNED = "report_returned", _("A half-year report is returned with comments")
    FEEDBACK_OPEN = "feedback_open", _("The half-yearly feedback is open")
    NO_CONTACT = "no_contact", _("A unit has had no contact for a long time")


class EmailMode(models.TextChoices):
    OFF = "off", _("No e-mail")
    AT_ONCE = "at_once", _("E-mail at once")
    DIGEST = "digest", _("In the daily digest at 9:00")


# Deadline reminders arrive in the daily digest by default; events ("raised", "missed", "answered", a decision,
# an invitation) at once. A request's time limit is hours away, so its reminder cannot wait for tomorrow's digest.
DIGEST_BY_DEFAULT = frozenset(
    {
        Kind.PLAN_DUE_SOON,
        Kind.PLAN_OVERDUE,
        Kind.MEASURE_DUE_SOON,
        Kind.MEASURE_OVERDUE,
        Kind.REPORT_DUE_SOON,
        Kind.REPORT_OVERDUE,
        Kind.NO_CONTACT,
    }
)


def default_email_mode(kind: str) -> str:
    return EmailMode.DIGEST if kind in DIGEST_BY_DEFAULT else EmailMode.AT_ONCE
