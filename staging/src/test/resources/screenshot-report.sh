#!/usr/bin/env bash
# Screenshot of a staging report in headless Chromium, to check how it renders:
#   screenshot-report.sh REPORT.html OUT.png [WIDTH,HEIGHT]   (default 1200,2000)
# Needs `chromium` (Debian: apt-get install -y chromium). --no-sandbox because tests may run as root.
set -euo pipefail
report="$(realpath "$1")"
out="$(realpath -m "$2")"
size="${3:-1200,2000}"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$out" --window-size="$size" "file://$report" >/dev/null 2>&1
test -s "$out"
