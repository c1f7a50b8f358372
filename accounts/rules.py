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
