from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from huhang import views

admin.site.site_header = _("Huhang administration")
admin.site.site_title = _("Huhang administration")

urlpatterns = [
    path("", include("reports.urls")),  # the home pages and the programme settings, by name: no import of an app
    path("accounts/", include("accounts.urls")),
    path("units/", include("units.urls")),
    path("teams/", include("teams.urls")),
    path("plans/", include("plans.urls")),
    path("archives/", include("archives.urls")),
    path("reminders/", include("reminders.urls")),
    path("audit/", include("audit.urls")),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
