"""Placeholder: being written."""

from django.http import Http404


def notification_list(request, **kwargs):
    raise Http404


def bell(request, **kwargs):
    raise Http404


def notification_open(request, **kwargs):
    raise Http404


def mark_read(request, **kwargs):
    raise Http404
