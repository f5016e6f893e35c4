#!/usr/bin/env bash
# A screenshot of a report as a browser renders it (report.html, for the README or a review),
# taken by headless Chromium. Chromium is no dependency of hotpath: install it yourself
# (apt-get install chromium); nothing else uses it.
#
# Usage: scripts/report-screenshot.sh RESULTS_DIR OUT.png [WIDTH,HEIGHT]   (default 1200,2000)
#        (run `hotpath report RESULTS_DIR` first)
set -euo pipefail
usage="usage: scripts/report-screenshot.sh RESULTS_DIR OUT.png [WIDTH,HEIGHT]"
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "$usage" >&2; exit 2; }
size=${3:-1200,2000}
[[ $size =~ ^[0-9]+,[0-9]+$ ]] || { echo "report-screenshot: size '$size' is not WIDTH,HEIGHT" >&2; exit 2; }
html="$(cd "$1" 2>/dev/null && pwd)/report.html" ||
  { echo "report-screenshot: no directory $1" >&2; exit 2; }
[ -f "$html" ] || { echo "report-screenshot: no $html (run: hotpath report $1)" >&2; exit 2; }
out_dir=$(cd "$(dirname "$2")" 2>/dev/null && pwd) ||
  { echo "report-screenshot: no directory for $2" >&2; exit 2; }
out="$out_dir/$(basename "$2")"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] ||
  { echo "report-screenshot: needs Chromium (apt-get install chromium)" >&2; exit 2; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
# A fresh profile, no network, no updates; killed if it has not finished in two minutes.
if ! timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --screenshot="$out" --window-size="$size" "file://$html" >"$profile/log" 2>&1 || [ ! -s "$out" ]; then
  echo "report-screenshot: $browser took no screenshot of $html:" >&2
  tail -5 "$profile/log" >&2
  exit 1
fi
echo "report-screenshot: $out ($size)"
