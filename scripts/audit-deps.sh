#!/usr/bin/env bash
# `make audit-deps`: known vulnerabilities in the locked dependencies (pip-audit against PyPI's advisory data, or
# OSV with PIP_AUDIT_SERVICE=osv). Exit 0 only when every locked package was looked up and none has an advisory.
#
# --strict matters: a package pip-audit cannot look up is otherwise only listed as "skipped" and the run still ends
# with "No known vulnerabilities found" and exit 0 - a clean result that was never checked. That is what happens on
# these build machines, whose PyPI mirror has no per-release data and which do not resolve api.osv.dev
# (docs/operations.md, "Dependencies").
set -uo pipefail
lock="${1:-requirements/lock.txt}"
service="${PIP_AUDIT_SERVICE:-pypi}"

# PIP_AUDIT names another pip-audit (tests/test_supply_chain.py gives a stand-in).
pip_audit=""
for candidate in "${PIP_AUDIT:-}" .venv/bin/pip-audit "$(command -v pip-audit 2>/dev/null)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then pip_audit="$candidate"; break; fi
done
if [ -z "$pip_audit" ]; then
  echo "pip-audit is not installed. On a machine that reaches PyPI: pipx install pip-audit (or pip install pip-audit)," >&2
  echo "then run: pip-audit --strict --require-hashes --disable-pip -r $lock" >&2
  exit 2
fi

output="$(mktemp)"
trap 'rm -f "$output"' EXIT
"$pip_audit" --strict --require-hashes --disable-pip --vulnerability-service "$service" --progress-spinner off -r "$lock" \
  >"$output" 2>&1
status=$?
# pip's notes about this machine's extra index locations are noise here.
grep -v "^WARNING: Location" "$output"

if [ $status -eq 0 ]; then
  echo "pip-audit: no known vulnerabilities in $lock (advisory source: $service)."
  exit 0
fi
if grep -qE "could not be audited|ConnectionError|NameResolutionError|Failed to resolve|Max retries exceeded|timed out" "$output"; then
  echo >&2
  echo "NO RESULT: the advisory database ($service) could not be reached or does not know these releases from this" >&2
  echo "machine, so nothing was checked. This is not a clean audit. Run \`make audit-deps\` (or" >&2
  echo "pip-audit --strict --require-hashes --disable-pip -r $lock) on a machine that reaches pypi.org and api.osv.dev." >&2
  exit 3
fi
if ! grep -qE "Found [0-9]+ known vulnerabilit" "$output"; then
  echo "pip-audit failed (above) without an audit result." >&2
  exit $status
fi
echo >&2
echo "pip-audit found known vulnerabilities (above): update the package (make lock LOCK_ARGS=\"--upgrade-package NAME\")" >&2
echo "or record why it does not apply (pip-audit --ignore-vuln ID, with the reason in docs/operations.md)." >&2
exit 1
