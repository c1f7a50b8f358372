"""What happens to logins, sessions and second factors, for whoever records it.

accounts may not import audit (layers: audit sits above accounts), so the events are Django signals that accounts
sends and the audit app connects to. Every signal is sent with `sender=User` (the model class) and these keyword
arguments; `request` is the HttpRequest when the event came from a page, else None.
"""

from django.dispatch import Signal

# The user typed a valid TOTP code or recovery code. kwargs: user, request, device (the django-otp device),
# recovery_code (bool).
second_factor_verified = Signal()
# A wrong or throttled code. kwargs: user, request, throttled (bool: refused unchecked because of earlier failures).
second_factor_failed = Signal()
# The user confirmed a new authenticator app. kwargs: user, request.
second_factor_enrolled = Signal()
# The user made a new set of recovery codes (the old set is void). kwargs: user, request.
recovery_codes_renewed = Signal()
# A security administrator deleted the user's devices; they enrol again at their next login. kwargs: user, actor,
# request.
second_factor_reset = Signal()
# A session ended. kwargs: user, reason (LoginSession.EndReason value), request, login_session (the LoginSession row).
session_ended = Signal()
# A security administrator gave the user a new initial password. kwargs: user, actor, request.
credentials_reset = Signal()
# A security administrator changed the user's role or scope. kwargs: user, actor, request, before, after (dicts of
# role, division_id, unit_id).
role_changed = Signal()
# A security administrator lifted a login lockout (django-axes attempts deleted) of a username or of a client
# address. kwargs: username ("" for an address), ip_address ("" for a username), actor, request.
lockout_cleared = Signal()
