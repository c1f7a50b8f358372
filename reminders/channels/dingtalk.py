"""A team's DingTalk (钉钉 / 浙政钉) group robot: one signed markdown message per batch.

DingTalk's custom robots with the "加签" security setting take a POST of JSON to the webhook URL with two more query
parameters: `timestamp`, the sender's current time in milliseconds (refused when more than an hour off), and `sign`,
the Base64 of HMAC-SHA256 keyed with the secret (the "SEC…" string of the robot's security settings) over
f"{timestamp}\\n{secret}", URL-encoded, all in UTF-8. The answer is JSON whose `errcode` is 0 when the message was
posted. The webhook URL's access_token and the secret are credentials: neither appears in an error or a log line.

Group chats are read by many: a message carries the reminders' titles (the unit's name and what is due, never a
person's details), their deadlines and links to the portal, nothing more.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reminders.channels import DeliveryError
from reminders.channels.batch import batch_items
from reminders.models import TeamRobot

if TYPE_CHECKING:
    from reminders.channels.batch import BatchItem
    from reminders.models import Delivery

MESSAGE_LANGUAGE = "zh-hans"
TIMEOUT_SECONDS = 10
ERRMSG_LENGTH = 200


def send(deliveries: list[Delivery]) -> None:
    robot = TeamRobot.objects.filter(team_id=deliveries[0].team_id, is_active=True).first()
    if robot is None:
        raise DeliveryError(_("The team has no active DingTalk group robot."))
    with translation.override(MESSAGE_LANGUAGE):
        title, text = reminder_markdown(batch_items(deliveries))
    post_markdown(robot, title=title, text=text)


def reminder_markdown(items: list[BatchItem]) -> tuple[str, str]:
    """The message's title (what the chat list and the notification show) and its markdown text."""
    if len(items) == 1:
        item = items[0]
        title = _("[Huhang] %(title)s") % {"title": _plain(item.title)}
        lines = [f"#### {title}", "", f"- {_plain(item.kind)}"]
        if item.due:
            lines.append("- " + _("Due %(due)s") % {"due": item.due})
        open_link = _("Open in the portal")
        lines.append(f"- [{open_link}]({item.link})")
        return title, "\n".join(lines)
    title = ngettext("[Huhang] %(count)d reminder for today", "[Huhang] %(count)d reminders for today", len(items)) % {
        "count": len(items)
    }
    lines = [f"#### {title}", ""]
    for number, item in enumerate(items, start=1):
        due = _("(due %(due)s)") % {"due": item.due} if item.due else ""
        lines.append(f"{number}. [{_plain(item.title)}]({item.link}){due}")
    return title, "\n".join(lines)


def _plain(text: str) -> str:
    """A title inside DingTalk's markdown: one line, and no bracket that would end a link's text early."""
    return " ".join(str(text).split()).replace("[", "【").replace("]", "】")


# ---------------------------------------------------------------------------------------------------------------
# Signing and posting


def signature(secret: str, timestamp: int) -> str:
    """DingTalk's `sign` before URL-encoding: Base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(webhook_url: str, secret: str, timestamp: int) -> str:
    """The webhook URL with `timestamp` and `sign` added to its query (which normally holds the access_token)."""
    parts = urlsplit(webhook_url)
    # The URL's own query is kept as DingTalk wrote it; `sign` is URL-encoded here, once.
    added = urlencode({"timestamp": timestamp, "sign": signature(secret, timestamp)})
    query = f"{parts.query.rstrip('&')}&{added}" if parts.query.rstrip("&") else added
    return urlunsplit(parts._replace(query=query))


def post_markdown(robot: TeamRobot, *, title: str, text: str) -> None:
    """Posts one signed markdown message; DeliveryError when DingTalk did not take it."""
    timestamp = int(time.time() * 1000)
    body = json.dumps({"msgtype": "markdown", "markdown": {"title": title, "text": text}}, ensure_ascii=False)
    request = urllib.request.Request(  # noqa: S310 - an https URL set by the bureau (reminders.services)
        signed_url(robot.webhook_url, robot.secret, timestamp),
        data=body.encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310 # https
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(_("DingTalk answered HTTP %(status)s.") % {"status": error.code}) from error
    except (OSError, http.client.HTTPException) as error:  # refused, unresolvable, timed out, cut off
        reason = getattr(error, "reason", None) or error
        if isinstance(reason, TimeoutError):
            message = _("DingTalk did not answer within %(seconds)s seconds.") % {"seconds": TIMEOUT_SECONDS}
            raise DeliveryError(message) from error
        # The reason only: the URL holds the access_token.
        reason = str(reason) or error.__class__.__name__
        raise DeliveryError(_("DingTalk could not be reached: %(reason)s") % {"reason": reason}) from error
    try:
        answer = json.loads(raw)
        errcode, errmsg = answer.get("errcode"), str(answer.get("errmsg", ""))
    except (ValueError, AttributeError) as error:
        raise DeliveryError(_("DingTalk's answer was not understood.")) from error
    if errcode != 0:
        errmsg = _redacted(errmsg, robot)[:ERRMSG_LENGTH]
        raise DeliveryError(
            _("DingTalk refused the message: errcode %(errcode)s, %(errmsg)s") % {"errcode": errcode, "errmsg": errmsg}
        )


def _redacted(text: str, robot: TeamRobot) -> str:
    """DingTalk's own words, without the robot's credentials should it ever echo them."""
    secrets = [robot.secret, *(value for _name, value in parse_qsl(urlsplit(robot.webhook_url).query))]
    for secret in secrets:
        if len(secret) >= 8:
            text = text.replace(secret, "…")
    return text
