"""What each role may do with reminders. Everyone reads and chooses for their own bell; the outbox and the teams'
group robots are the bureau's."""

import rules

from accounts.access import is_bureau

rules.add_perm("reminders.view_outbox", is_bureau)
rules.add_perm("reminders.manage_robots", is_bureau)
