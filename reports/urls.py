"""Included at the root by huhang/urls.py. No `app_name`: the home page and the programme settings keep their
plain names (`home`, `programme_settings`), which base.html, the login redirect and the tests reverse. The half-year
reports, the province report, the dashboard and the exports are under /reports/, namespace `reports`."""

from django.urls import include, path

from reports.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("home/measures/", home.my_measures, name="my_measures"),
    path("programme/settings/", home.programme_settings, name="programme_settings"),
    path("reports/", include("reports.report_urls")),
]
