#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are missing.
# Without root (or apt-get) it says what is missing and carries on: the tests that need them then say so
# themselves, and under CI a missing browser is a failure, never a skip (tests/e2e/conftest.py).
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  # An update is needed on a fresh machine (empty lists); it is skipped when the lists are recent.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "NOTE: missing Debian packages: ${missing[*]}. Install them as root (apt-get install ${missing[*]});"
  echo "      until then the tests that need them are skipped."
fi
