"""Included at the root by huhang/urls.py. No `app_name`: the home page and the programme settings keep their
plain names (`home`, `programme_settings`), which base.html, the login redirect and the tests reverse."""

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/measures/", views.my_measures, name="my_measures"),
    path("programme/settings/", views.programme_settings, name="programme_settings"),
]
