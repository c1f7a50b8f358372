"""The service archive's pages: the activity list, logging an activity (from a phone), its page, corrections,
inviting an expert and adding files. Thin: reads through archives/selectors.py, writes through archives/services.py.
"""

from django.http import Http404


def _todo(request, *args, **kwargs):  # replaced as the pages land
    raise Http404


activity_list = activity_create = activity_detail = activity_edit = activity_invite_expert = activity_attach = _todo
