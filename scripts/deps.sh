#!/bin/sh
# deps.sh: installs, by Debian package name, everything errwhy needs to build, test and
# benchmark on a fresh Debian 12. Runs apt-get as root, or through sudo when not root.
set -eu

build="gcc libc6-dev meson ninja-build pkgconf libjansson-dev libmnl-dev scdoc
	libvectorscan-dev zlib1g-dev libc-l10n libmicrohttpd-dev libacl1-dev"
test="libcmocka-dev python3 man-db manpages manpages-dev valgrind iproute2 procps psmisc
	mingw-w64-common linux-libc-dev-alpha-cross linux-libc-dev-mips-cross
	linux-libc-dev-hppa-cross linux-libc-dev-sparc64-cross linux-headers-amd64 musl-dev systemd openssh-client clang libclang-rt-14-dev shellcheck util-linux mount acl e2fsprogs chromium
	wrk curl"
bench="hyperfine moreutils lsof jq ripgrep nginx-light"

case "${1:-all}" in
build) packages=$build ;;
all) packages="$build $test $bench" ;;
*) echo "usage: deps.sh [build|all]" >&2; exit 2 ;;
esac

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
# apt and debconf talk even with -qq and no frontend ("debconf: delaying package
# configuration, since apt-utils is not installed", dpkg's progress): that goes to a log,
# printed whole when a step fails; on success only apt's warnings and errors (W:, E:) show.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
quietly() {
	if "$@" >"$log" 2>&1; then
		grep -E '^(W|E): ' "$log" >&2 || true
	else
		status=$?
		cat "$log" >&2
		echo "deps.sh: failed ($status): $*" >&2
		exit "$status"
	fi
}
quietly $sudo apt-get update -qq
# shellcheck disable=SC2086 # the lists are words on purpose
quietly $sudo apt-get install -y -qq --no-install-recommends $packages
# Debian's slim images tell dpkg to drop man pages and groff's macros; the citation test
# renders pages, so it needs both.
excludes=$(grep -lsE 'path-exclude[= ]/usr/share/(man|groff)' /etc/dpkg/dpkg.cfg.d/* || true)
if [ "${1:-all}" = all ] && [ -n "$excludes" ]; then
	echo "deps.sh: dpkg drops man pages here ($excludes); keeping them from now on" >&2
	# shellcheck disable=SC2086
	$sudo sed -i -E '/path-exclude[= ]\/usr\/share\/(man|groff)/d' $excludes
	quietly $sudo apt-get install -y -qq --reinstall groff-base man-db manpages manpages-dev
fi
# They drop translations too; the recogniser reads glibc's translated error texts from
# libc-l10n's catalogs at build time (tools/patternc), so those must stay.
excludes=$(grep -lsE 'path-exclude[= ]/usr/share/locale' /etc/dpkg/dpkg.cfg.d/* || true)
if [ -n "$excludes" ]; then
	echo "deps.sh: dpkg drops translations here ($excludes); keeping them from now on" >&2
	# shellcheck disable=SC2086
	$sudo sed -i -E '/path-exclude[= ]\/usr\/share\/locale/d' $excludes
	quietly $sudo apt-get install -y -qq --reinstall libc-l10n
fi
# The browser test drives Debian's chromium through playwright-core from npm, pinned by
# tests/browser/package-lock.json. Node.js is Debian's nodejs unless the machine has one
# already (NodeSource's nodejs package brings its own npm and conflicts with Debian's npm).
if [ "${1:-all}" = all ]; then
	node=
	command -v node >/dev/null 2>&1 || node=nodejs
	command -v npm >/dev/null 2>&1 || node="$node npm"
	# shellcheck disable=SC2086
	[ -z "$node" ] || quietly $sudo apt-get install -y -qq --no-install-recommends $node
	quietly npm ci --prefix "$(dirname "$0")/../tests/browser" --no-audit --no-fund
fi
