"""What a role may do in the portal as a whole. Discovered by rules.apps.AutodiscoverRulesConfig, like the
`rules.py` of every app, which add the permissions of their own records."""

import rules

from accounts.access import is_bureau, is_security_admin, is_system_admin

# The programme's own settings (deadlines, limits): the bureau's business
rules.add_perm("huhang.manage_programme", is_bureau)

# 三员分立 (MLPS 2.0 level 3): the system administrator keeps the logins (the list, staff logins, disable, enable)
# and the admin; the security administrator the credentials (password and second-factor resets, lockouts, sessions,
# roles and scopes); the audit administrator the audit trail (audit/rules.py). The bureau still gives the programme's
# own people their logins from a contact on a unit's page or a person of the pool, in roles it cannot choose.
rules.add_perm("accounts.create_programme_logins", is_bureau)
rules.add_perm("accounts.view_logins", is_system_admin | is_security_admin)
rules.add_perm("accounts.manage_logins", is_system_admin)
rules.add_perm("accounts.manage_credentials", is_security_admin)
# Django's admin (accounts/admin.py): the system administrator's alone.
rules.add_perm("accounts", is_system_admin)  # the app's module in the admin index
rules.add_perm("accounts.view_user", is_system_admin)
rules.add_perm("accounts.change_user", is_system_admin)
