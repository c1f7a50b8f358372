"""What each role may do with the programme's figures and the half-year reports."""

import rules

from accounts.access import is_bureau, is_officer, is_team_member, is_unit_contact

# The coverage and the dashboard of the whole programme are the bureau's; officers and teams see their part.
rules.add_perm("reports.view_programme", is_bureau)
rules.add_perm("reports.view_dashboard", is_bureau | is_officer | is_team_member)
# The province report: the bureau's whole, an officer's jurisdiction, a team's own part.
rules.add_perm("reports.view_province_report", is_bureau | is_officer | is_team_member)
rules.add_perm("reports.view_team_reports", is_bureau | is_team_member)
rules.add_perm("reports.write_team_report", is_team_member)  # object-level: the member's own team (the scope)
rules.add_perm("reports.review_team_reports", is_bureau)
rules.add_perm("reports.flag_typical_cases", is_bureau | is_team_member)
rules.add_perm("reports.give_feedback", is_unit_contact)
rules.add_perm("reports.view_unit_feedback", is_bureau | is_team_member)  # attributed: the serving side only
rules.add_perm("reports.manage_feedback_questions", is_bureau)
rules.add_perm("reports.view_scorecards", is_bureau | is_officer | is_team_member)
