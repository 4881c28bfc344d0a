#!/usr/bin/env bash
# bench/port.sh: errwhy port against ss, lsof and fuser on a busy machine. busyport.c starts
# N processes (N=200, then 2000) holding ~5,000 loopback listeners and ~1,000 established
# loopback connections in all; one of them, among the first, middle or last pids, also listens
# on the port P measured; or ("inherited") the youngest holds a listener on P that their
# parent bound before forking any (the oldest socket inode). Also measures the floors: the
# netlink query alone and reading every /proc/*/fd link, on one thread and on two.
# Usage: [RUNS=10] [NS="200 2000"] [PLACES="first middle last inherited"] [ERRWHY=path]
#        bench/port.sh [BUILD_DIR] (default build).
# Needs hyperfine, jq, ss, lsof, fuser and cc. Figures and their reading: bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
errwhy=${ERRWHY:-$(cd "$build" 2>/dev/null && pwd)/src/errwhy}
runs=${RUNS:-10}
ns=${NS:-200 2000}
places=${PLACES:-first middle last inherited}
for tool in hyperfine jq ss lsof fuser cc; do
	command -v "$tool" >/dev/null || { echo "port.sh: needs $tool" >&2; exit 2; }
done
[ -x "$errwhy" ] || { echo "port.sh: no $errwhy; build first (meson setup build && ninja -C build)" >&2; exit 2; }

tmp=$(mktemp -d)
holder=
cleanup() {
	# busyport kills and reaps its children by pid when it gets SIGTERM; its children also
	# die with it (PR_SET_PDEATHSIG), so a killed script leaves nothing behind.
	if [ -n "$holder" ]; then
		kill -TERM "$holder" 2>/dev/null || true
		wait "$holder" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -pthread -o "$tmp/busyport" "$here/busyport.c"
port=$("$errwhy" port --free --range 20000-30000)

echo "# $(uname -sr), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
	"$(ss -V 2>&1 | head -1), lsof $(lsof -v 2>&1 | awk '/revision/ {print $2; exit}'), port $port"
printf '%-6s %-9s %8s %8s %8s %8s %8s %8s %8s %8s %7s %7s %7s %s\n' N holder errwhy all-hold ss \
	lsof fuser netlink floor1 floor2 ss/ew ew/fl1 all/ss load

for n in $ns; do
	for at in $places; do
		rm -f "$tmp/ready"
		"$tmp/busyport" hold -n "$n" -l 5000 -c 1000 -p "$port" --at "$at" --ready "$tmp/ready" &
		holder=$!
		for _ in $(seq 600); do
			[ -s "$tmp/ready" ] && break
			kill -0 "$holder" 2>/dev/null || { echo "port.sh: busyport failed" >&2; exit 3; }
			sleep 0.1
		done
		[ -s "$tmp/ready" ] || { echo "port.sh: busyport not ready after 60 s" >&2; exit 3; }

		# errwhy exits 1 for "in use", so failures are ignored (-i); -N runs without a shell.
		hyperfine -N -i --style none --warmup 2 --runs "$runs" --export-json "$tmp/$n-$at.json" \
			-n errwhy "$errwhy port $port" \
			-n all-holders "$errwhy port $port --all-holders" \
			-n ss "ss -ltnp 'sport = :$port'" \
			-n lsof "lsof -nP -iTCP:$port -sTCP:LISTEN" \
			-n fuser "fuser $port/tcp" \
			-n netlink "$tmp/busyport netlink $port" \
			-n readlinks "$tmp/busyport readlinks" \
			-n readlinks2 "$tmp/busyport readlinks 2" >/dev/null 2>&1
		load=$(cut -d' ' -f1 /proc/loadavg)
		jq -r --arg n "$n" --arg at "$at" --arg load "$load" '
			[.results[] | {(.command): (.median * 1000)}] | add as $m
			| [$n, $at, $m.errwhy, $m["all-holders"], $m.ss, $m.lsof, $m.fuser, $m.netlink,
			   $m.readlinks, $m.readlinks2, ($m.ss / $m.errwhy), ($m.errwhy / $m.readlinks),
			   ($m["all-holders"] / $m.ss)]
			| "\(.[0]) \(.[1]) " + (.[2:10] | map(. * 10 | round / 10 | tostring) | join(" "))
			  + " " + (.[10:] | map(. * 100 | round / 100 | tostring) | join(" ")) + " " + $load' \
			"$tmp/$n-$at.json" |
			awk '{printf "%-6s %-9s %8s %8s %8s %8s %8s %8s %8s %8s %6sx %7s %7s %s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14}'

		kill -TERM "$holder"
		wait "$holder" || true
		holder=
	done
done
echo "(medians in ms; floor1/floor2: every fd link read on one/two threads; ss/ew: how many"
echo " times faster errwhy port is than ss -ltnp; ew/fl1: errwhy port relative to floor1;"
echo " all/ss: errwhy's complete scan (--all-holders, as --kill does) relative to ss, < 1 is"
echo " faster; load: the 1-minute load average after the placement's runs)"
