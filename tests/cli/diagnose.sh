#!/usr/bin/env bash
# diagnose.sh: "On this machine" on the pages of SIGKILL, 137 and getaddrinfo codes: the OOM
# kills of a cgroup and the resolver's configuration, then a real OOM kill in a cgroup v2 child
# made here (root only). No name is ever resolved: errwhy reads files only. Usage: diagnose.sh ERRWHY
errwhy=$1
. "$(dirname "$0")/tap.sh"

# skip DESCRIPTION REASON: a TAP skip, counted like a pass.
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

root=false
[ "$(id -u)" = 0 ] && root=true
has_entry() { "$errwhy" --brief "$1" >/dev/null 2>&1; }
json_get() { # json_get EXPR: evaluates a Python expression on $out, read as d
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null
}

# ---- OOM kills on SIGKILL's and 137's pages ----
if has_entry 137; then
	run "$errwhy" --no-pager 137
	expect "errwhy 137 has On this machine before What this means" \
		'[ "$status" = 0 ] && printf "%s\n" "$out" | awk "/^On this machine$/ {s=1} /^What this means$/ && s {s=2} END {exit s!=2}"'
	# Either the cgroup's counter (v2 memory.events, v1 memory.oom_control) or why not.
	expect "errwhy 137 gives the cgroup's oom_kill count or what could not be read" \
		'printf "%s\n" "$out" | grep -Eq "^  (.*(memory\.events|memory\.oom_control) oom_kill [0-9]+$|could not tell whether the OOM killer struck: .+)"'
	expect "errwhy 137 says what the kernel log gave" \
		'printf "%s\n" "$out" | grep -Eq "^    kernel log: ([0-9]+ OOM kills? recorded|.+: .+)"'
	run "$errwhy" --no-pager --pid $$ 137
	expect "--pid names the shell's cgroup" \
		'[ "$status" = 0 ] && cg=$(sed -n "s/^0:://p; s/^[0-9]*:[^:]*memory[^:]*://p" /proc/$$/cgroup | head -n1) &&
		 printf "%s\n" "$out" | grep -Fq "cgroup: $cg "'
	run "$errwhy" --no-pager --unit no-such-unit-errwhy.service 137
	expect "an unknown unit says its cgroup could not be found" \
		'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "the cgroup could not be found"'
	run "$errwhy" --no-pager "Process exited with code 137"
	expect "a pasted 'exited with code 137' gets the OOM section too" \
		'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "^    kernel log: "'
else
	skip "a pasted 'exited with code 137' gets the OOM section too" "no entry 137 in this build's catalog"
	for t in "errwhy 137 has On this machine" "errwhy 137 gives oom_kill or why not" \
		 "errwhy 137 says what the kernel log gave" "--pid names the shell's cgroup" \
		 "an unknown unit says so"; do
		skip "$t" "no entry 137 in this build's catalog (catalog/signal not in it)"
	done
fi

if has_entry SIGKILL; then
	run "$errwhy" --json SIGKILL
	expect "errwhy --json SIGKILL has on_this_machine.oom with a verdict" \
		'[ "$status" = 0 ] && [[ "$(json_get "d[0][\"on_this_machine\"][\"oom\"][\"verdict\"]")" =~ ^(killed|no_kill|unknown)$ ]]'
	expect "... and the kernel log's path and error (or null)" \
		'[ "$(json_get "\"error\" in d[0][\"on_this_machine\"][\"oom\"][\"kmsg\"]")" = True ]'
	if $root && command -v setpriv >/dev/null; then
		run setpriv --reuid=nobody --regid=nogroup --clear-groups "$errwhy" --json SIGKILL
		restrict=$(cat /proc/sys/kernel/dmesg_restrict 2>/dev/null)
		if [ "$restrict" = 1 ]; then
			expect "as nobody with dmesg_restrict=1: /dev/kmsg could not be read, and JSON says so" \
				'[ "$status" = 0 ] && [ "$(json_get "d[0][\"on_this_machine\"][\"oom\"][\"kmsg\"][\"error\"]")" = "Operation not permitted" ]'
			run setpriv --reuid=nobody --regid=nogroup --clear-groups "$errwhy" --no-pager SIGKILL
			expect "... and the page says so" \
				'printf "%s\n" "$out" | grep -q "kernel log: /dev/kmsg: Operation not permitted (dmesg_restrict=1"'
		else
			skip "as nobody: /dev/kmsg could not be read" "kernel.dmesg_restrict is not 1 here"
		fi
	else
		skip "as nobody: /dev/kmsg could not be read" "needs root and setpriv"
	fi
	run "$errwhy" --json EBADF SIGKILL
	expect "only SIGKILL's page gets the OOM report" \
		'[ "$(json_get "[\"oom\" in e.get(\"on_this_machine\", {}) for e in d]")" = "[False, True]" ]'
else
	skip "errwhy --json SIGKILL has on_this_machine.oom" "no entry SIGKILL in this build's catalog"
fi

run "$errwhy" --no-pager --json EADDRINUSE --unit x.service
expect "pages that are not SIGKILL's or 137's get no OOM report" \
	'[ "$status" = 0 ] && [ "$(json_get "\"on_this_machine\" in d[0]")" = False ]'

# ---- the resolver's configuration on getaddrinfo codes' pages ----
run "$errwhy" --no-pager EAI_NONAME --host localhost
expect "EAI_NONAME has On this machine with the nsswitch.conf hosts: line" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "^  nsswitch.conf hosts: "'
# Every /etc/hosts line that names localhost after its address, as glibc reads the file.
hosts_lines=$(awk '{ sub(/#.*/, ""); for (i = 2; i <= NF; i++) if (tolower($i) == "localhost" || tolower($i) == "localhost.") { print NR ": " $0; break } }' /etc/hosts 2>/dev/null | sed 's/[[:space:]]*$//')
if [ -n "$hosts_lines" ]; then
	missing=0
	while IFS= read -r l; do
		no=${l%%: *}
		printf '%s\n' "$out" | grep -q "^    /etc/hosts line $no: " || missing=$((missing + 1))
	done <<<"$hosts_lines"
	expect "errwhy EAI_NONAME --host localhost lists every /etc/hosts line for localhost" '[ "$missing" = 0 ]'
	expect "... and the line's text" \
		'printf "%s\n" "$out" | grep -Fq "/etc/hosts line $(printf "%s\n" "$hosts_lines" | head -n1 | cut -d: -f1): $(sed -n "$(printf "%s\n" "$hosts_lines" | head -n1 | cut -d: -f1)p" /etc/hosts | sed "s/[[:space:]]*\$//")"'
else
	skip "errwhy EAI_NONAME --host localhost lists the /etc/hosts line" "/etc/hosts names no localhost"
fi
run "$errwhy" --json EAI_AGAIN --host localhost
expect "--json: on_this_machine.resolver names the host and the nameservers" \
	'[ "$status" = 0 ] && [ "$(json_get "d[0][\"on_this_machine\"][\"resolver\"][\"name\"]")" = localhost ] &&
	 [ "$(json_get "type(d[0][\"on_this_machine\"][\"resolver\"][\"resolv_conf\"][\"nameservers\"]).__name__")" = list ]'
run "$errwhy" --no-pager EAI_NONAME --host $'evil\e]0;owned\a.example'
expect "a hostile --host is escaped on the page" \
	'[ "$status" = 0 ] && ! printf "%s" "$out" | grep -q $'"'"'\033'"'"' && printf "%s\n" "$out" | grep -Fq "evil\\x1b]0;owned\\x07.example"'
run "$errwhy" --no-pager EAI_NONAME
expect "without --host: the configuration, no name" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "^  nsswitch.conf hosts: " && ! printf "%s\n" "$out" | grep -q "^  name "'

# A pasted message gets the same section; the context has no field for the name looked up,
# so no /etc/hosts lines are looked for.
run "$errwhy" --no-pager "Error: getaddrinfo ENOTFOUND db.internal"
expect "a pasted getaddrinfo message's page has the resolver's configuration" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | awk "/^On this machine$/ {s=1} s && /^  nsswitch.conf hosts: / {f=1} END {exit !f}"'

# ---- the command line ----
for bad in "--unit a/b" "--unit .." "--container xyz" "--pid 0" "--pid -3" "--cgroup /a/../b" \
	   "--unit a.service --pid 1" "--host"; do
	run "$errwhy" 137 $bad
	expect "'$bad' is a usage error" '[ "$status" = 2 ] && [ -n "$err" ]'
done
run "$errwhy" --brief 137 --unit a.service
expect "--unit is not for --brief" '[ "$status" = 2 ]'

# ---- a real OOM kill in a cgroup v2 child of /sys/fs/cgroup ----
# 64 MB touched (a string of that many bytes) in a cgroup allowed 16 MB and no swap.
oom_test() {
	local cg=/sys/fs/cgroup/errwhy-oom-test.$$ enabled_memory=false why=
	if ! $root; then
		why="needs root"
	elif [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then
		why="/sys/fs/cgroup is not cgroup v2 ($(stat -fc %T /sys/fs/cgroup 2>/dev/null))"
	elif ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		why="the cgroup v2 root has no memory controller"
	elif ! command -v perl >/dev/null; then
		why="no perl to allocate with"
	fi
	if [ -z "$why" ] && ! grep -qw memory /sys/fs/cgroup/cgroup.subtree_control; then
		if echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
			enabled_memory=true
		else
			why="cannot enable the memory controller for /sys/fs/cgroup's children"
		fi
	fi
	if [ -z "$why" ] && ! mkdir "$cg" 2>/dev/null; then
		why="/sys/fs/cgroup is not writable"
	fi
	if [ -n "$why" ]; then
		skip "a real OOM kill in a 16M cgroup is found" "$why"
		return
	fi
	local swap_note=
	echo 16M >"$cg/memory.max"
	if [ -e "$cg/memory.swap.max" ]; then
		echo 0 >"$cg/memory.swap.max"
	else
		swap_note=" (no memory.swap.max: swap accounting is off)"
	fi
	# The child joins the cgroup, then becomes perl; timeout bounds the wait (124 then).
	timeout 120 bash -c 'echo $$ >"$1/cgroup.procs" && exec perl -e "\$x = q(x) x (64 << 20); print length(\$x), qq(\n)"' \
		oom "$cg" >/dev/null 2>&1
	local child=$?
	expect "the child that touched 64 MB in 16M died by SIGKILL (status 137)$swap_note" '[ "$child" = 137 ]'
	run "$errwhy" --json --cgroup "/${cg#/sys/fs/cgroup/}" 137
	expect "errwhy --cgroup ... 137 reports oom_kill >= 1 for that cgroup" \
		'[ "$status" = 0 ] && [ "$(json_get "d[0][\"on_this_machine\"][\"oom\"][\"events\"][\"oom_kill\"] >= 1")" = True ] &&
		 [ "$(json_get "d[0][\"on_this_machine\"][\"oom\"][\"verdict\"]")" = killed ]'
	run "$errwhy" --no-pager --cgroup "/${cg#/sys/fs/cgroup/}" 137
	expect "... and the page says the OOM killer killed in it, with memory.max 16M" \
		'printf "%s\n" "$out" | grep -q "^  the OOM killer killed .*errwhy-oom-test\.$$.*memory\.max 16M"'
	# Clean up: the cgroup is empty once its one process is gone; a bounded wait for that.
	for _ in $(seq 50); do
		rmdir "$cg" 2>/dev/null && break
		sleep 0.1
	done
	expect "the test cgroup is removed" '[ ! -e "$cg" ]'
	$enabled_memory && echo -memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
}
if has_entry 137; then
	oom_test
else
	skip "a real OOM kill in a 16M cgroup is found" "no entry 137 in this build's catalog"
fi

done_testing
