#!/usr/bin/env bash
# cli_port.sh: errwhy port end to end, as TAP: real loopback sockets held by porthold,
# every command bounded by timeout(1), every holder ended by its pid.
# Usage: cli_port.sh ERRWHY PORTHOLD
set -u

errwhy=$1
porthold=$2
tmp=$(mktemp -d)
pids=()
n=0
failed=0

cleanup() {
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=1
	echo "not ok $n - $1"
	[ -s "$tmp/out" ] && sed 's/^/# out: /' "$tmp/out"
	[ -s "$tmp/err" ] && sed 's/^/# err: /' "$tmp/err"
	return 0
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

# Runs errwhy port with the arguments, bounded; the status in $rc, output in $tmp/out, err.
run() {
	timeout 30 "$errwhy" port "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# Starts porthold with the arguments; its pid in $hpid, its port in $hport.
hold() {
	rm -f "$tmp/port"
	"$porthold" --port-file "$tmp/port" "$@" </dev/null >/dev/null 2>&1 &
	hpid=$!
	pids+=("$hpid")
	for _ in $(seq 200); do
		[ -s "$tmp/port" ] && break
		sleep 0.02
	done
	hport=$(cat "$tmp/port" 2>/dev/null)
}

# Waits up to 5 s for pid to end; its exit status in $hstatus.
reap() {
	for _ in $(seq 250); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.02
	done
	wait "$1" 2>/dev/null
	hstatus=$?
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# ---- usage -------------------------------------------------------------------------------
run --help
check "--help exits 0 and documents the exit status" '[ $rc -eq 0 ] && grep -q "Exit status" "$tmp/out"'
for bad in "0" "70000" "abc" "3000 --bogus" "" "--free 3000" "3000 --kill --wait" \
	"3000 --timeout x --wait" "--free --range 9-3" "3000 --signal NOPE --kill"; do
	# shellcheck disable=SC2086
	run $bad
	check "usage error for 'port $bad': exit 2 and a message" \
		'[ $rc -eq 2 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]'
done

# ---- reports -----------------------------------------------------------------------------
run --free
free=$(cat "$tmp/out")
check "--free prints a port" '[ $rc -eq 0 ] && [ "$free" -gt 0 ] 2>/dev/null'
run "$free"
check "a free port is reported free in words, exit 0" \
	'[ $rc -eq 0 ] && grep -q "^free: nothing is bound to port $free on TCP or UDP, IPv4 or IPv6" "$tmp/out"'

hold
run "$hport"
check "a listener is found with its pid, exit 1" \
	'[ $rc -eq 1 ] && grep -q "pid $hpid" "$tmp/out" && grep -q "^TCP: in use: porthold (pid $hpid" "$tmp/out"'
run "$hport" --json
if command -v jq >/dev/null; then
	check "--json names the holder" \
		'[ $rc -eq 1 ] && jq -e ".verdict == \"in_use\" and .port == $hport and .sockets[0].holders[0].pid == $hpid and .sockets[0].state == \"LISTEN\"" "$tmp/out" >/dev/null'
else
	check "--json names the holder" '[ $rc -eq 1 ] && grep -q "\"pid\": *$hpid" "$tmp/out"'
fi
run "$hport" --all-holders
check "--all-holders finds the same holder" '[ $rc -eq 1 ] && grep -q "pid $hpid" "$tmp/out"'
kill "$hpid"; reap "$hpid"

hold --timewait --reuse
run "$hport"
check "TIME_WAIT is reported with no owner, exit 0" \
	'[ $rc -eq 0 ] && grep -q TIME_WAIT "$tmp/out" && grep -q "^TCP: no process holds it: 1 TIME_WAIT socket" "$tmp/out" && ! grep -q "pid " "$tmp/out"'
run "$hport" --strict
check "--strict counts TIME_WAIT as in the way, exit 1" '[ $rc -eq 1 ]'
run "$hport" --json
check "TIME_WAIT in JSON: verdict time_wait, no holders, a timer" \
	'! command -v jq >/dev/null || jq -e ".verdict == \"time_wait\" and (.sockets[0].holders | length) == 0 and .sockets[0].timer_s > 0" "$tmp/out" >/dev/null'

hold --udp
run "$hport" --udp
check "a UDP socket is found with its pid" '[ $rc -eq 1 ] && grep -q "udp" "$tmp/out" && grep -q "pid $hpid" "$tmp/out"'
run "$hport" --tcp
check "--tcp does not count the UDP socket" '! grep -q "udp" "$tmp/out" && [ $rc -ne 2 ] && [ $rc -ne 3 ]'
kill "$hpid"; reap "$hpid"

hold --dual
run "$hport" --tcp
check "a :: listener with V6ONLY off is shown taking IPv4 too" \
	'[ $rc -eq 1 ] && grep -q "\[::\]:$hport" "$tmp/out" && grep -q "v6only off" "$tmp/out"'
"$porthold" --port "$hport" --port-file "$tmp/p2" --life 1 >/dev/null 2>"$tmp/err" </dev/null
check "... and it blocks 127.0.0.1:$hport" '[ $? -ne 0 ] && grep -q "in use" "$tmp/err"'
kill "$hpid"; reap "$hpid"

# ---- --kill ------------------------------------------------------------------------------
hold
run "$hport" --kill
check "--kill without --yes and without a terminal refuses, exit 1" \
	'[ $rc -eq 1 ] && grep -q "refusing" "$tmp/out" && ! gone "$hpid"'
run "$hport" --kill --yes --timeout 5
reap "$hpid"
check "--kill --yes stops the holder with SIGTERM and the port is free" \
	'[ $rc -eq 0 ] && [ "$hstatus" -eq 143 ] && grep -q "sent SIGTERM: stopped" "$tmp/out" && grep -q "^Now: free" "$tmp/out"'

# On a terminal (script(1) makes one) --kill asks, and only "y" goes ahead.
if command -v script >/dev/null; then
	hold
	echo n | timeout 20 script -qec "\"$errwhy\" port $hport --kill" /dev/null >"$tmp/out" 2>&1
	rc=$?
	check "on a terminal, answering n signals nothing, exit 1" \
		'[ $rc -eq 1 ] && grep -q "not confirmed" "$tmp/out" && ! gone "$hpid"'
	echo y | timeout 20 script -qec "\"$errwhy\" port $hport --kill --timeout 5" /dev/null >"$tmp/out" 2>&1
	rc=$?
	reap "$hpid"
	check "on a terminal, answering y stops the holder" '[ $rc -eq 0 ] && [ "$hstatus" -eq 143 ]'
else
	skip "on a terminal, answering n signals nothing" "no script(1)"
	skip "on a terminal, answering y stops the holder" "no script(1)"
fi

hold --ignore-term
start=$(date +%s%N)
run "$hport" --kill --yes --timeout 1
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
reap "$hpid"
check "a holder that ignores SIGTERM gets SIGKILL after the timeout" \
	'[ $rc -eq 0 ] && [ "$hstatus" -eq 137 ] && [ "$elapsed" -ge 1000 ] && grep -q "SIGKILL" "$tmp/out"'

rm -f "$tmp/port"
timeout 30 "$porthold" --port-file "$tmp/port" -- sh -c "exec \"$errwhy\" port \"\$PORT\" --kill --yes" \
	>"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
check "an ancestor of errwhy is refused" '[ $rc -eq 1 ] && grep -q "ancestor of errwhy" "$tmp/out"'

if [ "$(id -u)" -eq 0 ] && unshare --pid --fork --mount-proc true 2>/dev/null; then
	rm -f "$tmp/port"
	timeout 30 unshare --pid --fork --mount-proc "$porthold" --port-file "$tmp/port" -- \
		sh -c "exec \"$errwhy\" port \"\$PORT\" --kill --yes" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	check "PID 1 is refused" '[ $rc -eq 1 ] && grep -q "it is PID 1" "$tmp/out"'
else
	skip "PID 1 is refused" "needs root and unshare --pid"
fi

run "$free" --kill --yes
check "--kill on a free port has nothing to stop, exit 0" '[ $rc -eq 0 ] && grep -q "nothing to stop" "$tmp/out"'

# ---- --wait and --free -------------------------------------------------------------------
hold --life 1
start=$(date +%s%N)
run "$hport" --wait --timeout 20
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "--wait returns 0 when the holder exits" \
	'[ $rc -eq 0 ] && [ "$elapsed" -lt 10000 ] && grep -q "can be bound now" "$tmp/out"'
reap "$hpid"

hold
run "$hport" --wait --timeout 0.5
check "--wait times out with 1 while the port is held" '[ $rc -eq 1 ] && grep -q "still not free" "$tmp/out"'
run --free --range "$hport-$hport"
check "--free --range with only a held port finds none, exit 1" '[ $rc -eq 1 ] && [ -s "$tmp/err" ]'
kill "$hpid"; reap "$hpid"

run --free
free=$(cat "$tmp/out")
hold --port "$free" --dual
check "--free returns a port that :: (and so 0.0.0.0) can bind" '[ "$hport" = "$free" ]'
kill "$hpid"; reap "$hpid"

echo "1..$n"
exit $failed
