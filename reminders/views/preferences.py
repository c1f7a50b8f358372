"""Placeholder: being written."""

from django.http import Http404


def email_preferences(request, **kwargs):
    raise Http404
