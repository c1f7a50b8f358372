"""What a role may do in the portal as a whole. Discovered by rules.apps.AutodiscoverRulesConfig, like the
`rules.py` of every app, which add the permissions of their own records."""

import rules

from accounts.access import is_bureau

# The programme's own settings (deadlines, limits)
rules.add_perm("huhang.manage_programme", is_bureau)

# The logins: create them from a contact or a person of the pool, disable, enable, reset a forgotten password
rules.add_perm("accounts.manage_logins", is_bureau)
