#!/usr/bin/env bash
# limits.sh: errwhy limits against processes made here: one with a soft RLIMIT_NOFILE of 64
# holding 60 fds, one holding inotify watches; a bad pid; --json; the EMFILE page with --pid.
# Each child says "ready PID" when it holds everything, and holds it until its stdin closes.
# Usage: limits.sh ERRWHY FDHOLD
errwhy=$1 fdhold=$2
. "$(dirname "$0")/tap.sh"

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
json_get() { # json_get EXPR: a Python expression on $out, read as d
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null
}

# hold ARGS...: starts fdhold ARGS as a coprocess and waits for its "ready PID" line.
hold() {
	coproc HOLD { exec "$fdhold" "$@"; }
	read -r word pid <&"${HOLD[0]}"
	[ "$word" = ready ]
}
release() {
	exec {HOLD[1]}>&-
	wait "$HOLD_PID"
}

# ---- 60 fds under a soft limit of 64: 55 of one file, a pipe pair, and 0, 1, 2 ----
: >"$tmp/held"
hold --nofile 64 --files 55 "$tmp/held" --pipes 1
expect "fdhold started and holds its fds" '[ -n "$pid" ] && [ -d /proc/$pid/fd ]'
count=$(ls "/proc/$pid/fd" | wc -l)
expect "the child holds 60 fds, as computed" '[ "$count" = 60 ]'
run "$errwhy" limits "$pid"
expect "errwhy limits PID exits 0" '[ "$status" = 0 ]'
expect "it reports $count open of a soft limit of 64 (93%), close to it" \
	'printf "%s\n" "$out" | grep -Fq "open files: $count of the soft limit 64 (93%, close to it); hard limit 64"'
expect "the verdict names open files as close to EMFILE" \
	'printf "%s\n" "$out" | head -n1 | grep -Fq "fdhold (pid $pid): open files close to the limit (EMFILE), $count of 64"'
expect "files dominate the kinds" \
	'printf "%s\n" "$out" | grep -Eq "^    kinds: 5[5-7] files, "'
expect "the file held 55 times leads the list" \
	'printf "%s\n" "$out" | grep -Fq "most: $tmp/held 55"'
expect "the way to raise it names prlimit for the pid and ulimit -n" \
	'printf "%s\n" "$out" | tr "\n" " " | grep -Eq "prlimit --pid $pid --nofile=128:128 .*ulimit -n 128"'
run "$errwhy" limits --json "$pid"
expect "--json parses" '[ "$status" = 0 ] && printf "%s" "$out" | python3 -m json.tool >/dev/null'
expect "--json: pid, open, soft, hard" \
	'[ "$(json_get "d[\"pid\"], d[\"fds\"][\"open\"], d[\"fds\"][\"soft\"], d[\"fds\"][\"hard\"]")" = "$pid $count 64 64" ]'
expect "--json: kinds and the top group" \
	'[ "$(json_get "d[\"fds\"][\"kinds\"][\"file\"] >= 55 and d[\"fds\"][\"top\"][0] == {\"target\": \"$tmp/held\", \"kind\": \"file\", \"count\": 55}")" = True ]'
expect "--json has every part and its fields" \
	'[ "$(json_get "\" \".join(k + \":\" + \",\".join(sorted(d[k])) for k in (\"system_files\", \"maps\"))")" = "system_files:error,max,open maps:count,error,max" ] &&
	 [ "$(json_get "all(k in d[\"inotify\"] for k in (\"instances\", \"max_instances\", \"watches\", \"max_watches\", \"top\")) and all(k in d[\"processes\"] for k in (\"user\", \"uid\", \"threads\", \"soft\", \"hard\", \"threads_max\"))")" = True ]'
run "$errwhy" --no-pager EMFILE --pid "$pid"
expect "errwhy EMFILE --pid PID shows the limits in On this machine" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | awk "/^On this machine$/ {s=1} s && /open files: $count of the soft limit 64/ {f=1} /^What this means$/ {exit} END {exit !f}"'
run "$errwhy" --json EMFILE --pid "$pid"
expect "errwhy --json EMFILE --pid PID has on_this_machine.limits with fds and inotify only" \
	'[ "$(json_get "d[0][\"on_this_machine\"][\"limits\"][\"fds\"][\"open\"], \"maps\" in d[0][\"on_this_machine\"][\"limits\"], \"inotify\" in d[0][\"on_this_machine\"][\"limits\"]")" = "$count False True" ]'
run "$errwhy" --no-pager --pid "$pid" "Error: EMFILE: too many open files, open '/srv/a'"
expect "a pasted EMFILE message with --pid shows that process's limits" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -Fq "open files: $count of the soft limit 64"'
release
expect "fdhold ended when its stdin closed" '[ $? = 0 ]'

# ---- inotify watches ----
mkdir "$tmp/watched"
hold --watches 20 "$tmp/watched"
run "$errwhy" limits --json "$pid"
expect "the watching child is among the top holders with 20 watches in 1 instance" \
	'[ "$(json_get "[(w[\"comm\"], w[\"instances\"], w[\"watches\"]) for w in d[\"inotify\"][\"top\"] if w[\"pid\"] == $pid]")" = "[('"'"'fdhold'"'"', 1, 20)]" ]'
expect "the user's counts include them" \
	'[ "$(json_get "d[\"inotify\"][\"watches\"] >= 20 and d[\"inotify\"][\"instances\"] >= 1")" = True ]'
run "$errwhy" limits "$pid"
expect "the text names it: fdhold (pid N) 20 in 1 instance" \
	'printf "%s\n" "$out" | tr "\n" " " | grep -Fq "fdhold (pid $pid) 20 in 1 instance"'
run "$errwhy" --no-pager "Error: ENOSPC: System limit for number of file watchers reached, watch '/x'"
expect "the file watchers message shows the inotify part (and not the fds)" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "^    inotify of uid $(id -u)" && ! printf "%s\n" "$out" | grep -q "open files:"'
run "$errwhy" --no-pager "write /var/log/x: No space left on device"
expect "a full disk's ENOSPC gets no limits" '! printf "%s\n" "$out" | grep -q "inotify of uid"'
release

# ---- bad pids ----
run "$errwhy" limits 0
expect "pid 0 is a usage error (2) that says why" \
	'[ "$status" = 2 ] && printf "%s\n" "$err" | grep -Fq "'"'"'0'"'"' is not a process id"'
run "$errwhy" limits nope
expect "a word is a usage error (2)" '[ "$status" = 2 ] && printf "%s\n" "$err" | grep -q "not a process id"'
run "$errwhy" limits 1 2
expect "two pids are a usage error" '[ "$status" = 2 ] && printf "%s\n" "$err" | grep -q "one process at a time"'
# A pid that is free now: above pid_max, no process can have it.
gone=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
run "$errwhy" limits "$gone"
expect "a pid with no process exits 1 and says so" \
	'[ "$status" = 1 ] && [ "$err" = "errwhy: limits: no process $gone" ]'
run "$errwhy" limits
expect "no pid: errwhy's parent, this shell" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -Fq "(pid $$, errwhy'"'"'s parent)"'

# ---- a process errwhy may not read ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	hold --files 3 "$tmp/held"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$errwhy" limits --json "$pid"
	expect "as nobody, another user's fds and maps are null, with the reason" \
		'[ "$status" = 0 ] && [ "$(json_get "d[\"fds\"][\"open\"], d[\"fds\"][\"error\"], d[\"maps\"][\"count\"]")" = "None Permission denied None" ]'
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$errwhy" limits "$pid"
	expect "... and the text says what could not be read" \
		'printf "%s\n" "$out" | tr -s "\n " "  " | grep -Fq "/proc/$pid/fd could not be read: Permission denied (run as root or as its user)"'
	release
else
	skip "as nobody, another user's fds are null, with the reason" "needs root and setpriv"
fi

done_testing
