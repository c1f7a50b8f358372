from django.urls import path

from plans import pdf_views, suggestion_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_overview, name="overview"),
    path("queue/", views.approval_queue, name="queue"),
    path("units/<uuid:uid>/start/", views.plan_start, name="start"),
    path("<uuid:uid>/", views.plan_detail, name="detail"),
    path("<uuid:uid>/edit/", views.plan_edit, name="edit"),
    path("<uuid:uid>/autosave/", views.plan_autosave, name="autosave"),
    path("<uuid:uid>/submit/", views.plan_submit, name="submit"),
    path("<uuid:uid>/review/", views.plan_review, name="review"),
    path("<uuid:uid>/return/", views.plan_return, name="return"),
    path("<uuid:uid>/approve/", views.plan_approve, name="approve"),
    path("<uuid:uid>/revise/", views.plan_revise, name="revise"),
    path("<uuid:uid>/measures/", views.measure_add, name="measure_add"),
    path("<uuid:uid>/measures/<int:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("<uuid:uid>/measures/<int:measure_id>/delete/", views.measure_delete, name="measure_delete"),
    path("<uuid:uid>/measures/<int:measure_id>/move/", views.measure_move, name="measure_move"),
    path("<uuid:uid>/measures/<int:measure_id>/progress/", views.measure_progress, name="measure_progress"),
    path("<uuid:uid>/v<int:number>/pdf/", pdf_views.plan_pdf, name="pdf"),
    path("<uuid:uid>/suggest-experts/", suggestion_views.suggest_experts, name="suggest_experts"),
    path("<uuid:uid>/owners/", views.owner_typeahead, name="owner_typeahead"),
]
