"""The pages of the programme as a whole: each role's home page and the programme settings."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from accounts.models import ADMIN_ROLES, Role
from huhang.forms import save_form
from huhang.models import ProgrammeSettings
from huhang.pagination import page_of
from plans.services import plan_deadlines_update
from reports.forms import ProgrammeSettingsForm
from reports.home import administrator_pages, home_context
from reports.selectors import measures_owned_by


def home(request: HttpRequest) -> HttpResponse:
    role = Role(request.user.role)
    if role in ADMIN_ROLES:
        # 三员分立: an administrator's home lists their pages and reads nothing of the programme.
        return render(request, "reports/home/administrator.html", {"admin_pages": administrator_pages(request.user)})
    return render(request, f"reports/home/{role.value}.html", home_context(request.user))


@permission_required("plans.write_plans", raise_exception=True)
def my_measures(request: HttpRequest) -> HttpResponse:
    """Every open measure of the plans in force that the team member owns, the earliest due first: the whole list
    behind the home page's "measures due soon"."""
    today = timezone.localdate()
    page = page_of(request, measures_owned_by(user=request.user, today=today))
    return render(request, "reports/home/measures.html", {"page_obj": page, "today": today})


@permission_required("huhang.manage_programme", raise_exception=True)
def programme_settings(request: HttpRequest) -> HttpResponse:
    """The plan deadlines go through plan_deadlines_update (it recomputes the open plans' due dates); the report due
    days and the scorecard's weights, which no record derives from, are saved as the form holds them — in the same
    transaction, after the deadlines' service has locked the row."""
    form = ProgrammeSettingsForm(request.POST or None, instance=ProgrammeSettings.current())

    def save() -> ProgrammeSettings:
        data = form.cleaned_data
        with transaction.atomic():
            plan_deadlines_update(
                actor=request.user, **{name: data[name] for name in ProgrammeSettingsForm.PLAN_FIELDS}
            )
            others = [name for name in form.Meta.fields if name not in ProgrammeSettingsForm.PLAN_FIELDS]
            form.instance.save(update_fields=[*others, "updated_at"])
        return form.instance

    redirected = save_form(
        request,
        form,
        save,
        success=_("The programme settings have been saved."),
        redirect_to="programme_settings",
    )
    return redirected or render(request, "reports/programme_settings.html", {"form": form})
