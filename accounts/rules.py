"""Permissions by role, for views, templates and navigation. Discovered by rules.apps.AutodiscoverRulesConfig.

Object-level reads are decided by the scopes in accounts/access.py; these rules say what a role may *do*.
"""

import rules

from accounts.access import is_bureau, is_officer, is_team_member, is_unit_contact

# The programme's own settings (deadlines, limits)
rules.add_perm("huhang.manage_programme", is_bureau)

# The key-unit list
rules.add_perm("units.browse_units", is_bureau | is_officer | is_team_member)
rules.add_perm("units.view_own_unit", is_unit_contact)
rules.add_perm("units.manage_units", is_bureau)  # create, edit, select, remove, import, contacts, IP profile
rules.add_perm("units.export_units", is_bureau | is_officer)

# The personnel pool and the teams
rules.add_perm("teams.manage_teams", is_bureau)  # personnel, teams, assignments
rules.add_perm("teams.browse_teams", is_bureau | is_team_member)
rules.add_perm("teams.view_workload", is_bureau)

# Service plans: the serving team writes (its units are the team member's scope), the bureau reviews.
rules.add_perm("plans.write_plans", is_team_member)
rules.add_perm("plans.review_plans", is_bureau)
rules.add_perm("plans.view_plans_overview", is_bureau)

# The service archive and the requests. Object-level rules take the activity, the request (or, to record, the unit).
from accounts.access import invited_to_record, is_expert, serves_record_unit, speaks_for_record_unit  # noqa: E402

# The archive list: officers do not see the archive (it is the team's working record); the scope narrows the rows.
rules.add_perm("archives.browse_activities", is_bureau | is_team_member | is_expert | is_unit_contact)

rules.add_perm("archives.record_activity", serves_record_unit)  # object: the unit
rules.add_perm("archives.change_activity", serves_record_unit)
rules.add_perm("archives.comment_activity", serves_record_unit | invited_to_record)
rules.add_perm("archives.raise_request", speaks_for_record_unit | serves_record_unit)  # object: the unit
rules.add_perm("archives.handle_request", serves_record_unit)  # accept, answer, note, refer, invite an expert
rules.add_perm("archives.reply_request", serves_record_unit | invited_to_record | speaks_for_record_unit)
rules.add_perm("archives.close_request", speaks_for_record_unit)  # rate and close, or reopen
rules.add_perm("archives.manage_response_limits", is_bureau)
