"""Everyone's own bell: the header's unread count (loaded by htmx, so that no page pays a query for it), the list,
opening a notification (marks it read, then its record) and marking read. A notification of another user is
missing: 404."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from accounts.sessions import not_user_activity
from reminders import selectors
from reminders.filters import NotificationFilter
from reminders.forms import MarkReadForm
from reminders.services import notification_mark_read

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

# The badge shows at most this; more reads "99+".
BELL_MAX = 99


class NotificationListView(FilterView):
    """The user's own notifications, newest first; unread ones stand out."""

    filterset_class = NotificationFilter
    template_name = "reminders/notification_list.html"
    paginate_by = 20
    strict = False

    def get_queryset(self):
        return selectors.notifications_for_user(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "unread_count": selectors.unread_count_for_user(user=self.request.user)
        }


notification_list = NotificationListView.as_view()


@never_cache
@require_GET
@not_user_activity  # the poll every 60 s must not keep an idle session alive
def bell(request: HttpRequest) -> HttpResponse:
    """The header's badge (templates/base.html asks for it on load and every minute)."""
    count = selectors.unread_count_for_user(user=request.user)
    return render(
        request,
        "reminders/_bell.html",
        {"unread_count": count, "shown": f"{BELL_MAX}+" if count > BELL_MAX else str(count)},
    )


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Marks the notification read and goes to its record. The link is followed only when it is a path on this
    portal: a stored link that names another site (or "//host") would make the bell an open redirect."""
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.reminder.url
    if is_local_path(target):
        return redirect(target)
    messages.warning(request, _("This reminder's link cannot be opened here."))
    return redirect("reminders:list")


def is_local_path(url: str) -> bool:
    """A path of this site: starts with one slash, names no scheme or host (after the browser's own clean-up of
    backslashes and control characters)."""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc) and url_has_allowed_host_and_scheme(url, allowed_hosts=set())


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """ "Mark selected read" or "mark all read": only the user's own notifications change (the service's filter),
    whatever ids are posted."""
    form = MarkReadForm(request.POST)
    if form.is_valid():
        marked = notification_mark_read(user=request.user, notification_ids=form.notification_ids())
        if marked:
            message = ngettext("Marked %(count)s reminder read.", "Marked %(count)s reminders read.", marked)
            messages.success(request, message % {"count": marked})
        else:
            messages.info(request, _("Nothing to mark: no unread reminder was chosen."))
    else:
        messages.error(request, _("The selection could not be read; reload the page and try again."))
    return redirect(_back_to_list(request))


def _back_to_list(request: HttpRequest) -> str:
    """The list page the form came from (its filters and page kept), or the list."""
    target = request.POST.get("next", "")
    list_url = reverse("reminders:list")
    if is_local_path(target) and target.split("?", 1)[0] == list_url:
        return target
    return list_url
