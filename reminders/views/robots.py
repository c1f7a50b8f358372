"""Placeholder: being written."""

from django.http import Http404


def robot_list(request, **kwargs):
    raise Http404


def robot_edit(request, **kwargs):
    raise Http404


def robot_test(request, **kwargs):
    raise Http404
