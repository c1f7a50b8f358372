"""The programme's review under /reports/ (namespace `reports`)."""

from django.urls import path  # noqa: F401  (the sections below add their paths)

app_name = "reports"

urlpatterns: list = [
    # --- team half-year reports and typical cases (reports/views/team_reports.py) ---
    # --- the units' feedback and its questions (reports/views/feedback.py) ---
    # --- the province report and the scorecards (reports/views/province.py) ---
    # --- exports (reports/views/exports.py) ---
    # --- the dashboard (reports/views/dashboard.py) ---
]
