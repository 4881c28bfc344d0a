#!/usr/bin/env bash
# Runs what the catalog shows (catalog/README.md, "Checked examples"), as TAP:
# - each trigger of "How to reproduce" in a fresh scratch directory and a private network
#   namespace with only lo, as nobody (```sh) or root (```sh root), its output compared with the
#   entry's output block; the scratch directory's path reads as ".". ```sh unchecked: WHY is
#   reported as skipped with WHY.
# - each C block of a fix compiled alone with -Wall -Wextra -Werror; its check built with it
#   and run (```c check: appended to the block; ```sh check: run with $FIX, the block built as a
#   program), as root in its own scratch directory and network namespace;
# - each shell block of a fix through bash -n and shellcheck.
# Usage: check-examples.sh CATALOGC CATALOG_DIR [NAME...]
set -u
catalogc=$1 catalog=$2
shift 2
cc=${CC:-cc}
cflags=(-std=gnu11 -Wall -Wextra -Werror)
work=$(mktemp -d)
chmod 755 "$work" # nobody reaches its scratch directories through it
trap 'rm -rf "$work"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# Shows a file's lines as TAP diagnostics.
diag() { head -n 40 "$@" | sed "s/^/# /"; }

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root: triggers run as nobody in a private network namespace"
	exit 0
fi
if ! unshare -n true 2>/dev/null; then
	echo "1..0 # SKIP this machine allows no network namespaces"
	exit 0
fi

"$catalogc" --extract "$work/ex" "$catalog" || { echo "Bail out! catalogc --extract failed"; exit 1; }

# sandbox USER DIR CMD...: CMD in DIR, in a new network namespace with lo up, as USER, with a
# plain environment, bounded in time. Generous: a slow, busy machine must not fail it.
sandbox() {
	local user=$1 dir=$2
	shift 2
	local as=()
	[ "$user" = root ] || as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	(cd "$dir" && timeout -k 5 120 unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
		"${as[@]}" env -i LC_ALL=C PATH=/usr/local/bin:/usr/bin:/bin HOME="$dir" \
		TMPDIR="$dir" "$@")
}

scratch() {
	local d
	d=$(mktemp -d "$work/run.XXXXXX")
	chmod 755 "$d"
	chown nobody:nogroup "$d"
	printf '%s' "$d"
}

check_trigger() {
	local e=$1 name=$2 mode d got
	mode=$(cat "$e/trigger.mode")
	case $mode in
	unchecked:*) skip "$name: trigger" "${mode#unchecked: }"; return ;;
	nobody | root) ;;
	*) not_ok "$name: trigger: unknown mode '$mode'"; return ;;
	esac
	d=$(scratch)
	cp "$e/trigger.sh" "$d/.trigger.sh"
	chmod 644 "$d/.trigger.sh"
	got=$work/got
	sandbox "$mode" "$d" bash ./.trigger.sh >"$got" 2>&1
	# The scratch directory's path reads as "."; so does the temporary dir TMPDIR points at.
	sed -i "s|$d|.|g" "$got"
	if [ ! -e "$e/trigger.out" ]; then
		not_ok "$name: trigger has no output block"
	elif diff -u "$e/trigger.out" "$got" >"$work/diff"; then
		ok "$name: trigger prints its output ($mode)"
	else
		not_ok "$name: trigger output differs ($mode)"
		diag "$work/diff"
	fi
}

check_c() {
	local f=$1 name=$2
	if "$cc" "${cflags[@]}" -c "$f" -o "$work/fix.o" 2>"$work/err"; then
		ok "$name: compiles with -Wall -Wextra -Werror"
	else
		not_ok "$name: does not compile"
		diag "$work/err"
	fi
}

check_sh() {
	local f=$1 name=$2
	if ! bash -n "$f" 2>"$work/err"; then
		not_ok "$name: bash -n"
		diag "$work/err"
	elif command -v shellcheck >/dev/null &&
		! shellcheck -s bash -S warning "$f" >"$work/err" 2>&1; then
		not_ok "$name: shellcheck"
		diag "$work/err"
	else
		ok "$name: bash -n and shellcheck"
	fi
}

# fixN.check.c: appended to the fix's first C block; fixN.check.sh: run with FIX=the block
# built as a program.
check_fix_check() {
	local e=$1 name=$2 check=$3 fix d
	local k=${check##*/fix}
	k=${k%%.*}
	fix=$(ls "$e"/fix"$k"-*.c 2>/dev/null | head -n1)
	d=$(scratch)
	if [ -z "$fix" ]; then
		not_ok "$name: fix $k has a check but no C block"
		return
	fi
	case $check in
	*.c) cat "$fix" "$check" >"$d/check.c"
	     build=("$d/check.c") ;;
	*) build=("$fix") ;;
	esac
	if ! "$cc" "${cflags[@]}" "${build[@]}" -o "$d/fix" -lpthread -lm 2>"$work/err"; then
		not_ok "$name: fix $k: check does not build"
		diag "$work/err"
		return
	fi
	case $check in
	*.c) sandbox root "$d" ./fix >"$work/got" 2>&1 ;;
	*) cp "$check" "$d/check.sh"
	   sandbox root "$d" env FIX="$d/fix" bash ./check.sh >"$work/got" 2>&1 ;;
	esac
	local rc=$?
	if [ "$rc" = 0 ]; then
		ok "$name: fix $k behaves as its Why says"
	else
		not_ok "$name: fix $k: check exited $rc"
		diag "$work/got"
	fi
}

check_entry() {
	local e=$1 name
	name=$(basename "$e")
	[ -e "$e/trigger.sh" ] && check_trigger "$e" "$name"
	for f in "$e"/fix*-*.c; do
		[ -e "$f" ] && check_c "$f" "$name: $(basename "$f")"
	done
	for f in "$e"/fix*-*.sh; do
		[ -e "$f" ] && check_sh "$f" "$name: $(basename "$f")"
	done
	for f in "$e"/fix*.check.*; do
		[ -e "$f" ] && check_fix_check "$e" "$name" "$f"
	done
}

if [ $# -gt 0 ]; then
	for name in "$@"; do check_entry "$work/ex/$name"; done
else
	for e in "$work"/ex/*/; do check_entry "${e%/}"; done
fi
echo "1..$n"
[ "$failed" = 0 ]
