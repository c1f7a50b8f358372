"""The bureau's outbox (提醒发送记录): every e-mail and DingTalk post with its status, failed ones first, the last
finder cycle and whether it is stale; a failed delivery can be sent again. Other roles are refused (403), as on the
bureau's other pages (programme settings, response time limits, logins)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin, permission_required

from reminders import selectors
from reminders.filters import DeliveryFilter
from reminders.models import Delivery
from reminders.services import delivery_resend as resend
from reminders.views.notifications import is_local_path

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


class DeliveryListView(PermissionRequiredMixin, FilterView):
    permission_required = "reminders.view_outbox"
    raise_exception = True
    filterset_class = DeliveryFilter
    template_name = "reminders/delivery_list.html"
    paginate_by = 25
    strict = False

    def get_queryset(self):
        return selectors.outbox_deliveries()

    def get_context_data(self, **kwargs):
        counts = selectors.outbox_counts()
        return super().get_context_data(**kwargs) | {
            "status_counts": [(status, status.label, counts[status]) for status in selectors.STATUS_ORDER],
            "finder": selectors.finder_state(),
            "failed": Delivery.Status.FAILED,
        }


delivery_list = DeliveryListView.as_view()


@require_POST
@permission_required("reminders.view_outbox", raise_exception=True)
def delivery_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Puts a failed delivery back in the queue (reminders.services.delivery_resend); any other is left alone."""
    delivery = selectors.outbox_delivery_get(pk=pk)
    if delivery.status != Delivery.Status.FAILED:
        messages.warning(request, _("Only a failed delivery can be sent again."))
    else:
        delivery = resend(delivery=delivery)
        messages.success(
            request,
            _("“%(title)s” is queued again; it goes out at %(time)s.")
            % {"title": delivery.reminder.title, "time": _local_time(delivery)},
        )
    target = request.POST.get("next", "")
    outbox = reverse("reminders:outbox")
    return redirect(target if is_local_path(target) and target.split("?", 1)[0] == outbox else outbox)


def _local_time(delivery: Delivery) -> str:
    return formats.date_format(timezone.localtime(delivery.not_before), "Y-m-d H:i")
