#!/bin/sh
# run.sh: the browser test's entry for meson: checks that what scripts/deps.sh installs is
# here (node, playwright-core in node_modules, Debian's chromium), then runs browser.mjs.
# Usage: run.sh ERRWHY ARTIFACTS-DIR
set -eu
here=$(dirname "$0")
missing=
command -v node >/dev/null 2>&1 || missing="$missing node (Debian: nodejs)"
[ -d "$here/node_modules/playwright-core" ] || missing="$missing playwright-core (npm ci in tests/browser)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing ${CHROMIUM:-/usr/bin/chromium} (Debian: chromium)"
if [ -n "$missing" ]; then
	echo "browser test: missing:$missing; scripts/deps.sh installs them" >&2
	exit 1
fi
exec node "$here/browser.mjs" "$@"
