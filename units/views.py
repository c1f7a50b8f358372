"""Placeholder while the unit pages are written."""

from django.http import Http404
from django.views.generic import View


def _todo(request, *args, **kwargs):
    raise Http404


class UnitListView(View):
    def get(self, request):
        raise Http404


unit_create = unit_detail = unit_edit = unit_remove = unit_reselect = _todo
contact_edit = contact_delete = ip_profile_record = _todo
