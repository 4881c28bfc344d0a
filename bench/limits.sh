#!/usr/bin/env bash
# bench/limits.sh: errwhy limits PID against what people type today, prlimit --pid PID plus
# ls /proc/PID/fd | wc -l, on a machine made busy with N idle processes (N=2000 by default),
# started here and killed by their pids at exit. The idle processes run as root (the same
# user as PID, so errwhy's per-user walk reads every one of them) and, when setpriv and the
# user nobody exist, as nobody (another user's: the walk only stats them).
# Usage: [RUNS=30] [N=2000] [ERRWHY=path] bench/limits.sh [BUILD_DIR] (default build).
# Also the floor of the walk: every fd link of every process read, on one and two threads.
# Needs hyperfine, prlimit and cc. Figures and their reading: bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
errwhy=${ERRWHY:-$(cd "$build" 2>/dev/null && pwd)/src/errwhy}
runs=${RUNS:-30}
n=${N:-2000}
for tool in hyperfine prlimit; do
	command -v "$tool" >/dev/null || { echo "limits.sh: needs $tool" >&2; exit 2; }
done
[ -x "$errwhy" ] || { echo "limits.sh: no $errwhy; build first" >&2; exit 2; }

tmp=$(mktemp -d)
pids=()
stop_idle() {
	# Every idle process by its own pid, in batches: never by name.
	local i
	for ((i = 0; i < ${#pids[@]}; i += 500)); do
		kill "${pids[@]:i:500}" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
cleanup() {
	stop_idle
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_idle COUNT [WRAPPER...]: COUNT sleeping processes, each as WRAPPER runs it.
start_idle() {
	local count=$1 i
	shift
	for ((i = 0; i < count; i++)); do
		"$@" sleep 3600 </dev/null >/dev/null 2>&1 &
		pids+=($!)
	done
}

# measure LABEL: errwhy limits for this shell's pid beside prlimit and ls, RUNS runs each.
measure() {
	local label=$1 target=$$ procs=(/proc/[0-9]*)
	echo "## $label: ${#procs[@]} processes, target pid $target ($(ls /proc/$target/fd | wc -l) fds)"
	hyperfine -N --style basic --warmup 3 --runs "$runs" \
		-n "errwhy limits" "$errwhy limits $target" \
		-n "errwhy limits --json" "$errwhy limits --json $target" \
		-n "prlimit + ls | wc" "sh -c 'prlimit --pid $target; ls /proc/$target/fd | wc -l'" \
		-n "floor: every fd link" "$tmp/busyport readlinks" \
		-n "floor: on 2 threads" "$tmp/busyport readlinks 2" \
		2>&1 | grep -E '^(Benchmark|  Time|  Range)|±' || true
}

# The floor of the per-user walk: what the kernel costs to list /proc and read every fd link
# of every process (bench/busyport.c's readlinks, as bench/port.sh uses it), with no parsing.
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -pthread -o "$tmp/busyport" "$here/busyport.c"
echo "# $(uname -sr), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $errwhy"
measure "idle machine"
start_idle "$n"
measure "$n idle processes of the same user (root's: $(id -un))"
stop_idle
pids=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	start_idle "$n" setpriv --reuid=nobody --regid=nogroup --clear-groups
	measure "$n idle processes of another user (nobody)"
fi
