#!/usr/bin/env bash
# load.sh: a bounded load on errwhy serve: wrk with 100 connections for 10 s against an entry
# page, once plain and once asking for gzip, then against a search for a pasted message.
# Fails on any socket error or non-2xx answer, or if the server is gone afterwards; prints
# wrk's figures (no speed is asserted: see bench/).
# Usage: load.sh ERRWHY. Exit 77 (skip) without wrk.
set -u
errwhy=$1
command -v wrk >/dev/null || { echo "load.sh: wrk is not installed; skipping"; exit 77; }
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# wrk's 100 connections all come from 127.0.0.1: the per-address limit must admit them.
"$errwhy" serve --listen 127.0.0.1:0 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 3000); do
	port=$(sed -n 's|^errwhy serve: http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$tmp/err")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$port" ] || { echo "load.sh: the server did not start:"; cat "$tmp/err"; exit 1; }

status=0
run() {
	local name=$1 path=$2
	shift 2
	echo "== $name"
	wrk -t2 -c100 -d10s --timeout 30s "$@" "http://127.0.0.1:$port$path" >"$tmp/wrk" 2>&1
	cat "$tmp/wrk"
	if grep -q 'Socket errors' "$tmp/wrk"; then
		echo "load.sh: $name: socket errors"; status=1
	fi
	if grep -q 'Non-2xx' "$tmp/wrk"; then
		echo "load.sh: $name: answers other than 2xx"; status=1
	fi
	grep -q 'Requests/sec' "$tmp/wrk" || { echo "load.sh: $name: wrk reported nothing"; status=1; }
}
run identity /errno/EADDRINUSE
run gzip /errno/EADDRINUSE -H 'Accept-Encoding: gzip'
# Made per request: the recogniser on every thread at once.
run search '/search?q=Error%3A+listen+EADDRINUSE%3A+address+already+in+use+%3A%3A%3A3000'
if ! kill -0 "$pid" 2>/dev/null; then
	echo "load.sh: the server died"; status=1
elif ! python3 -c 'import sys, urllib.request
sys.exit(urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=60).status != 200)' "$port"; then
	echo "load.sh: the server no longer answers"; status=1
fi
kill -TERM "$pid"
wait "$pid" || { echo "load.sh: the server did not stop with exit 0"; status=1; }
pid=
grep -q '^errwhy serve: stopped$' "$tmp/err" || { echo "load.sh: no 'stopped'"; status=1; }
[ "$status" = 0 ] && echo "load.sh: ok"
exit "$status"
