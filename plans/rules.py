"""What each role may do with service plans (object-level reads: plans/scopes.py). The serving team writes (its
units are the team member's scope), the bureau reviews."""

import rules

from accounts.access import is_bureau, is_team_member

rules.add_perm("plans.write_plans", is_team_member)
rules.add_perm("plans.review_plans", is_bureau)
rules.add_perm("plans.view_plans_overview", is_bureau)
