"""The plan's PDF and the expert suggestions (included from plans/urls.py, in the `plans` namespace)."""

from django.urls import path

from plans import extra_views

urlpatterns = [
    path("<uuid:uid>/v<int:number>/pdf/", extra_views.plan_pdf, name="pdf"),
    path("<uuid:uid>/suggest-experts/", extra_views.suggest_experts, name="suggest_experts"),
]
