"""The request's status and deadline badges in templates, from the code that builds the lists' rows
(archives/list_rows.py), so the thread, the home pages and the lists show the same markup."""

from __future__ import annotations

from django import template

from archives.list_rows import DeadlineBadges, request_status_badge

register = template.Library()


@register.simple_tag(name="request_status_badge")
def request_status_badge_tag(status: str):
    return request_status_badge(status)


@register.simple_tag(name="deadline_badge")
def deadline_badge_tag(due, done, met):
    return DeadlineBadges()(due, done, met)
