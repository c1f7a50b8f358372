"""Placeholder: being written."""

from django.http import Http404


def delivery_list(request, **kwargs):
    raise Http404


def delivery_resend(request, **kwargs):
    raise Http404
