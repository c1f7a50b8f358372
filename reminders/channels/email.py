"""E-mail through Django's mail API (`EMAIL_URL`): one message per batch, in Chinese, HTML and plain text.

A batch is one reminder sent at once, or a recipient's daily digest. The message is rendered in the portal's
language (zh-hans) whatever the worker's locale, and links to the record on the portal (`PORTAL_URL`). Its
Message-ID is derived from the batch, so that the copy sent again after a worker died between the mail server's "ok"
and the commit (reminders/sending.py) carries the same id and mail clients can drop it.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reminders.channels import DeliveryError
from reminders.channels.batch import absolute_link, batch_items

if TYPE_CHECKING:
    from accounts.models import User
    from reminders.channels.batch import BatchItem
    from reminders.models import Delivery

MESSAGE_LANGUAGE = "zh-hans"
# A mail server that neither answers nor refuses must not hold a worker for ever (EMAIL_TIMEOUT wins when set).
DEFAULT_TIMEOUT_SECONDS = 30


def send(deliveries: list[Delivery]) -> None:
    recipient = deliveries[0].user
    # Planning (reminders.services.planned_deliveries) skips a disabled login or one without an address; this only
    # guards against a login changed since.
    if recipient is None or not recipient.is_active:
        raise DeliveryError(_("The login is disabled."))
    if not recipient.email:
        raise DeliveryError(_("No e-mail address."))
    message = reminder_message(deliveries, recipient=recipient)
    try:
        message.send()
    except OSError as error:  # smtplib.SMTPException and socket errors alike
        raise DeliveryError(_("The mail server did not take the message: %(error)s") % {"error": error}) from error


def reminder_message(deliveries: list[Delivery], *, recipient: User) -> EmailMultiAlternatives:
    with translation.override(MESSAGE_LANGUAGE):
        items = batch_items(deliveries)
        context = {
            "recipient": recipient,
            "items": items,
            "digest": len(items) > 1,
            "preferences_link": absolute_link(reverse("reminders:preferences")),
            "portal_link": absolute_link("/"),
        }
        text = render_to_string("reminders/email/reminder.txt", context)
        html = render_to_string("reminders/email/reminder.html", context)
        subject = _subject(items)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "Message-ID": message_id(deliveries),
            # RFC 3834: a machine wrote this, so out-of-office replies and auto-forwarders leave it alone.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
        connection=get_connection(
            fail_silently=False, timeout=getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_TIMEOUT_SECONDS
        ),
    )
    message.attach_alternative(html, "text/html")
    return message


def _subject(items: list[BatchItem]) -> str:
    if len(items) == 1:
        return _("[Huhang] %(title)s") % {"title": items[0].title}
    return ngettext("[Huhang] %(count)d reminder for today", "[Huhang] %(count)d reminders for today", len(items)) % {
        "count": len(items)
    }


def message_id(deliveries: list[Delivery]) -> str:
    """The same for the same batch, whenever and however often it is sent; different for any other batch."""
    ids = ",".join(str(pk) for pk in sorted(delivery.pk for delivery in deliveries))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:32]
    domain = urlsplit(settings.PORTAL_URL).hostname or str(DNS_NAME)
    return f"<reminder.{digest}@{domain}>"
