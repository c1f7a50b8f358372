"""What each role may do with the audit trail (三员分立): the audit administrator searches and exports it, and reads
nothing else (accounts/scopes.py); a unit's contact sees who in the programme opened their unit's records."""

import rules

from accounts.access import is_audit_admin, is_unit_contact

rules.add_perm("audit.view_trail", is_audit_admin)
rules.add_perm("audit.export_trail", is_audit_admin)
rules.add_perm("audit.view_unit_reads", is_unit_contact)
