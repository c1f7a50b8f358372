"""The requests' pages: lists with deadlines, raising a request, its thread and every step of its handling.
Thin: reads through archives/selectors.py, writes through archives/services.py.
"""

from django.http import Http404


def _todo(request, *args, **kwargs):  # replaced as the pages land
    raise Http404


request_list = request_create = request_detail = request_accept = request_reply = request_invite_expert = _todo
request_refer = referral_reply = request_close = request_reopen = _todo
