"""The programme's review under /reports/ (namespace `reports`)."""

from django.urls import path

from reports.views import dashboard, exports, feedback, province, team_reports

app_name = "reports"

urlpatterns: list = [
    # --- team half-year reports and typical cases (reports/views/team_reports.py) ---
    path("team/", team_reports.team_report_list, name="team_report_list"),
    path("periods/<str:code>/", team_reports.period_page, name="period"),
    path("team/<int:team_id>/<str:code>/", team_reports.team_report, name="team_report"),
    path("team/<int:team_id>/<str:code>/edit/", team_reports.team_report_edit, name="team_report_edit"),
    path("team/<int:team_id>/<str:code>/redraft/", team_reports.team_report_redraft, name="team_report_redraft"),
    path("team/<int:team_id>/<str:code>/submit/", team_reports.team_report_submit, name="team_report_submit"),
    path("team/<int:team_id>/<str:code>/return/", team_reports.team_report_return, name="team_report_return"),
    path("team/<int:team_id>/<str:code>/accept/", team_reports.team_report_accept, name="team_report_accept"),
    path("team/<int:team_id>/<str:code>/cases/", team_reports.case_candidates, name="case_candidates"),
    path("cases/activities/<uuid:uid>/flag/", team_reports.case_flag_activity, name="case_flag_activity"),
    path("cases/requests/<uuid:uid>/flag/", team_reports.case_flag_request, name="case_flag_request"),
    path("cases/<uuid:uid>/unflag/", team_reports.case_unflag, name="case_unflag"),
    # --- the units' feedback and its questions (reports/views/feedback.py) ---
    path("feedback/", feedback.feedback_list, name="feedback_list"),
    path("feedback/questions/", feedback.feedback_questions, name="feedback_questions"),
    path("feedback/questions/<int:pk>/", feedback.feedback_question_edit, name="feedback_question_edit"),
    path("feedback/questions/<int:pk>/delete/", feedback.feedback_question_delete, name="feedback_question_delete"),
    path("feedback/<str:code>/", feedback.feedback_give, name="feedback_give"),
    # --- the province report and the scorecards (reports/views/province.py) ---
    path("province/", province.province_latest, name="province_latest"),
    path("province/<str:code>/", province.province_report, name="province"),
    path("scorecards/", province.scorecards_latest, name="scorecards_latest"),
    path("scorecards/<str:code>/", province.scorecards, name="scorecards"),
    # --- exports (reports/views/exports.py) ---
    path("exports/", exports.export_list, name="export_list"),
    path("exports/new/", exports.export_create, name="export_create"),
    path("exports/<uuid:uid>/", exports.export_status, name="export_status"),
    path("exports/<uuid:uid>/download/", exports.export_download, name="export_download"),
    # --- the dashboard (reports/views/dashboard.py) ---
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/xlsx/", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
]
