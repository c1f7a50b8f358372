"""Pages that belong to the portal as a whole: the home page of each role and the health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from accounts.models import Role
from huhang import health
from huhang.home import home_context
from huhang.models import ProgrammeSettings
from huhang.programme_forms import ProgrammeSettingsForm
from huhang.services import programme_settings_update


def home(request: HttpRequest) -> HttpResponse:
    role = Role(request.user.role)
    return render(request, f"home/{role.value}.html", home_context(request.user))


@login_not_required
@require_GET
@never_cache
@transaction.non_atomic_requests  # a probe must not open a transaction it cannot close when the DB is down
def healthz(request: HttpRequest) -> JsonResponse:
    report = health.check()
    return JsonResponse(report, status=200 if report["status"] != "error" else 503)


@permission_required("huhang.manage_programme", raise_exception=True)
def programme_settings(request: HttpRequest) -> HttpResponse:
    form = ProgrammeSettingsForm(request.POST or None, instance=ProgrammeSettings.current())
    if request.method == "POST" and form.is_valid():
        programme_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The programme settings have been saved."))
        return redirect("programme_settings")
    return render(request, "programme_settings.html", {"form": form})
