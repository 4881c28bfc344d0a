#!/usr/bin/env bash
# lookup.sh: the errwhy command as a user meets it: every query form, the list, search,
# --brief, --os, --json, colour, and clear failures on bad input. Usage: lookup.sh ERRWHY
errwhy=$1
. "$(dirname "$0")/tap.sh"

for q in EADDRINUSE eaddrinuse 98 -98 0x62 -EADDRINUSE "Address already in use"; do
	run "$errwhy" --brief "$q"
	expect "'$q' is EADDRINUSE" '[ "$status" = 0 ] && [ "$out" = "EADDRINUSE 98 Address already in use" ]'
done

run "$errwhy" EADDRINUSE
expect "the page has its sections in order" '[ "$status" = 0 ] && printf "%s\n" "$out" | awk "
	/^EADDRINUSE/ && s==0 {s=1} /^What this means/ && s==1 {s=2} /^Why it happens/ && s==2 {s=3}
	/^How to reproduce/ && s==3 {s=4} /^Fix 1: / && s==4 {s=5} /^What not to do/ && s==5 {s=6}
	/^Numbers on other systems/ && s==6 {s=7} /^Sources/ && s==7 {s=8} END {exit s!=8}"'
expect "no colour into a pipe" '! printf "%s" "$out" | grep -q $'"'"'\033'"'"
expect "the header names number, family, category and confidence" \
	'printf "%s\n" "$out" | head -n1 | grep -q "98.*Linux / POSIX.*network.*confidence: high"'
expect "under the title, what earned high: the reproduction's call" \
	'printf "%s\n" "$out" | sed -n 3p | grep -q "^HIGH confidence — reproduced: bind() on 127.0.0.1"'
run "$errwhy" ENOSTR
expect "a low entry says Linux never returns it, and what seeing it means" \
	'printf "%s\n" "$out" | grep -q "^LOW confidence — defined, but mainline Linux never returns it" &&
	 printf "%s\n" "$out" | grep -q "^If you see it"'

# Every name's page, a family per run: one process start-up each, not hundreds (slow under
# ASan). Within its family, a name (an exit status's number too) has one page.
for family in errno signal exit resolver kernel; do
	names=$("$errwhy" -l --family "$family" | cut -d" " -f1)
	[ -n "$names" ] || continue
	run "$errwhy" --family "$family" $names
	trailing=$(printf "%s\n" "$out" | grep -c " $")
	expect "every $family name has a page, all from one run" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | grep -c "^What this means$")" = "$(printf "%s\n" "$names" | wc -l)" ]'
	expect "no $family page has a line ending in blanks" '[ "$trailing" = 0 ]'
done

run env COLUMNS=50 "$errwhy" EADDRINUSE
expect "prose is wrapped to the width" '[ "$(printf "%s\n" "$out" | awk "/^What this means/,/^Why it happens/" | awk "length > 50" | wc -l)" = 0 ]'

run "$errwhy" --color=always EADDRINUSE
expect "--color=always colours" 'printf "%s" "$out" | grep -q $'"'"'\033\[1'"'"
run env NO_COLOR=1 "$errwhy" --color=auto EADDRINUSE
expect "NO_COLOR is honoured" '! printf "%s" "$out" | grep -q $'"'"'\033'"'"
run "$errwhy" --color=sometimes EADDRINUSE
expect "a bad --color is a usage error" '[ "$status" = 2 ] && [[ "$err" == *"--color"* ]]'

run "$errwhy" -l
expect "--list lists every family" '[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "^EPROBE_DEFER 517 " && printf "%s\n" "$out" | grep -q "^EAI_NONAME -2 "'
run "$errwhy" -l --family errno
expect "--list --family errno has 134 lines" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | wc -l)" = 134 ]'
expect "--list has aliases on their own lines" 'printf "%s\n" "$out" | grep -qx "EWOULDBLOCK 11 Resource temporarily unavailable"'
if command -v errno >/dev/null; then
	expect "--list matches moreutils errno -l line for line" '[ "$(printf "%s\n" "$out" | sort)" = "$(errno -l | sort)" ]'
fi

run "$errwhy" --search address in use
expect "--search puts EADDRINUSE first" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | head -n1)" = "EADDRINUSE 98 Address already in use" ]'
run "$errwhy" -s qqqzzz
expect "a search that finds nothing exits 1" '[ "$status" = 1 ] && [ -n "$err" ]'

run "$errwhy" --os darwin 48 --brief
expect "macOS 48 is EADDRINUSE" '[ "$status" = 0 ] && [ "$out" = "EADDRINUSE 98 Address already in use" ]'
run "$errwhy" --os windows 10048 --brief
expect "Winsock 10048 is EADDRINUSE" '[ "$out" = "EADDRINUSE 98 Address already in use" ]'
run "$errwhy" --os darwin 48
expect "a foreign number is labelled on the page" '[[ "$out" == *"48 on macOS / Darwin is EADDRINUSE"* ]]'
run "$errwhy" --os all 35
expect "--os all labels every answer of one number" '[ "$status" = 0 ] && [[ "$out" == "35 has 2 answers:"* ]] && [[ "$out" == *"35 on Linux on MIPS, Linux on PA-RISC is ENOMSG"* ]]'
run "$errwhy" --os windows 10035 --brief
expect "an alias-only number (WSAEWOULDBLOCK) names the alias" '[ "$out" = "EWOULDBLOCK 11 Resource temporarily unavailable" ]'
# No fixed cap on answers: every query is answered, every match shown.
run "$errwhy" --brief $(yes EINVAL | head -n 70)
expect "70 queries get 70 answers" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | grep -cx "EINVAL 22 Invalid argument")" = 70 ]'
entries=$("$errwhy" --list --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
run "$errwhy" -s e
expect "a search matching every entry lists them all" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | wc -l)" = "$entries" ] && [ "$entries" -gt 64 ]'
run "$errwhy" --json -s e
expect "--json -s lists them all too" '[ "$(printf "%s" "$out" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = "$entries" ]'
run "$errwhy" --json $(yes EINVAL | head -n 70)
expect "--json answers all 70 queries" '[ "$status" = 0 ] && [ "$(printf "%s" "$out" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 70 ]'

# Numbers are decimal or 0x hex (errwhy(1)); a leading zero is not octal.
run "$errwhy" --brief --family errno 077
expect "077 is 77, not octal 63" '[ "$status" = 0 ] && [ "$out" = "EBADFD 77 File descriptor in bad state" ]'
run "$errwhy" --brief --family errno 09
expect "09 is 9" '[ "$status" = 0 ] && [ "$out" = "EBADF 9 Bad file descriptor" ]'
run "$errwhy" --os darwin 048 --brief
expect "--os reads 048 as 48" '[ "$status" = 0 ] && [ "$out" = "EADDRINUSE 98 Address already in use" ]'
run "$errwhy" --help
expect "--help says how numbers are read" '[[ "$out" == *"077 is 77"* ]] && [[ "$out" == *"0x"* ]]'
# Numbers past a long: no match, and no undefined behaviour (a crash in the UBSan build).
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
run "$errwhy" -- -9223372036854775808
expect "-LONG_MIN is no match, not UB" '[ "$status" = 1 ] && [[ "$err" == *"no error matches"* ]]'
run "$errwhy" --os darwin -99999999999999999999
expect "--os with a number past a long is no match, not UB" '[ "$status" = 1 ] && [[ "$err" == *"no error matches"* ]]'
run "$errwhy" --os all -- -9223372036854775808
expect "--os with LONG_MIN is no match, not UB" '[ "$status" = 1 ]'
run "$errwhy" --brief 9223372036854775807
expect "LONG_MAX is no match" '[ "$status" = 1 ]'

# A repeated --os or --port is refused, naming the option.
run "$errwhy" --os darwin --os freebsd 48
expect "--os twice is a usage error naming --os" '[ "$status" = 2 ] && [[ "$err" == *"--os"*"twice"* ]] && [ -z "$out" ]'
run "$errwhy" --os=darwin --os darwin 48
expect "--os= then --os is refused too" '[ "$status" = 2 ] && [[ "$err" == *"--os"* ]]'
run "$errwhy" EADDRINUSE --port 9 --port=10
expect "--port twice is a usage error naming --port" '[ "$status" = 2 ] && [[ "$err" == *"--port"*"twice"* ]] && [ -z "$out" ]'

run "$errwhy" --os beos 48
expect "an unknown system is a usage error" '[ "$status" = 2 ] && [[ "$err" == *"unknown system"* ]]'
run "$errwhy" --os darwin EADDRINUSE
expect "--os takes numbers only" '[ "$status" = 2 ]'

run "$errwhy" --json EADDRINUSE EAGAIN
expect "--json gives an array of two entries" '[ "$status" = 0 ] && [ "$(printf "%s" "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print(len(d), d[0][\"numbers\"][\"darwin\"], d[0][\"numbers\"][\"linux_mips\"], d[1][\"aliases\"])")" = "2 48 125 ['"'"'EWOULDBLOCK'"'"']" ]'

run "$errwhy" EADRINUSE
expect "a typo exits 1 with a suggestion" '[ "$status" = 1 ] && [[ "$err" == *"did you mean EADDRINUSE"* ]] && [ -z "$out" ]'
run "$errwhy" EADDRINUSE NOSUCHTHING
expect "one unknown of two: the known one is answered, exit 1" '[ "$status" = 1 ] && [[ "$out" == EADDRINUSE* ]]'
run "$errwhy" $'\x1b]0;pwned\x07EVIL'
expect "escape sequences are not echoed raw" '[ "$status" = 1 ] && ! printf "%s" "$err" | grep -q $'"'"'\033'"'"
run "$errwhy" $'--\x1b[2J' EADDRINUSE
expect "an option with an escape sequence is not echoed raw" '[ "$status" = 2 ] && ! printf "%s" "$err" | grep -q $'"'"'\033'"'"
run "$errwhy" port $'\x9b31m'
expect "a C1 control byte in a port is not echoed raw" '[ "$status" = 2 ] && [[ "$err" == *"\\x9b31m"* ]]'
run "$errwhy" "$(head -c 100000 /dev/zero | tr '\0' x)"
expect "a huge query is refused with a message" '[ "$status" = 2 ] && [[ "$err" == *"bytes long"* ]]'
run "$errwhy" "$(head -c 3000 /dev/urandom | tr -d '\0')"
expect "binary garbage is an unknown query, not a crash" '[ "$status" = 1 ] || [ "$status" = 2 ]'
run "$errwhy"
expect "no arguments is a usage error" '[ "$status" = 2 ] && [[ "$err" == usage:* ]]'
run "$errwhy" --frobnicate
expect "an unknown option is a usage error" '[ "$status" = 2 ] && [[ "$err" == *"unknown option"* ]]'
run "$errwhy" --help
expect "--help documents the exit codes" '[ "$status" = 0 ] && [[ "$out" == *"exit status"* ]]'

# "On this machine": a listener of this test's own, on loopback, ended by its PID.
coproc LISTENER { exec perl -MIO::Socket::INET -e '$| = 1;
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:0", Listen => 1) or die "$!\n";
	print $s->sockport, "\n"; sleep 30'; }
listener_pid=$LISTENER_PID
read -r -t 5 lport <&"${LISTENER[0]}"
run "$errwhy" EADDRINUSE --port "$lport"
expect "--port adds 'On this machine' with the holder's pid" '[ "$status" = 0 ] && [[ "$out" == *"On this machine"* ]] && [[ "$out" == *"pid $listener_pid "* ]]'
run "$errwhy" --json EADDRINUSE --port "$lport"
expect "--json --port carries the port report" '[ "$(printf "%s" "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"on_this_machine\"][\"port\"][\"verdict\"])")" = in_use ]'
kill "$listener_pid"
wait "$listener_pid" 2>/dev/null
run "$errwhy" EADDRINUSE --port 0
expect "--port 0 is a usage error" '[ "$status" = 2 ]'
run "$errwhy" --brief EADDRINUSE --port 80
expect "--port with --brief is a usage error" '[ "$status" = 2 ]'

# A lookup must load nothing but libc (sanitizer builds bring their runtimes: skipped there).
libs=$(ldd "$errwhy" | awk '{print $1}' | grep -vE '^(linux-vdso|/lib64/ld-linux|libc\.so)' | tr '\n' ' ')
if [[ "$libs" == *asan* || "$libs" == *ubsan* ]]; then
	echo "ok $((n += 1)) - # SKIP ldd under sanitizers"
else
	expect "errwhy loads only libc (ldd)" '[ -z "$libs" ]'
fi

# The pager: on a terminal (script(1) gives one) a page goes through $PAGER; --no-pager, a pipe
# or a PAGER that does not exist show it directly.
if command -v script >/dev/null && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	cat >"$tmp/pager" <<'PAGER'
#!/bin/sh
printf '%s\n' "${LESS-unset}" >"$PAGER_MARK"
cat
PAGER
	chmod +x "$tmp/pager"
	export PAGER_MARK=$tmp/paged
	# on_tty ENV... -- ARGS...: errwhy ARGS on a terminal, with ENV, the session's output in $out.
	on_tty() {
		local envs=() cmd
		while [ "$1" != -- ]; do envs+=("$1"); shift; done
		shift
		printf -v cmd '%q ' "$errwhy" "$@"
		rm -f "$PAGER_MARK"
		run env "${envs[@]}" script -qec "$cmd" /dev/null </dev/null
	}
	on_tty -u LESS PAGER="$tmp/pager" -- EADDRINUSE
	expect "a page on a terminal goes through \$PAGER" '[ "$status" = 0 ] && [ -f "$PAGER_MARK" ] && [[ "$out" == *"What this means"* ]]'
	expect "the pager gets LESS=FRX when LESS is unset" '[ "$(cat "$PAGER_MARK" 2>/dev/null)" = FRX ]'
	on_tty PAGER="$tmp/pager" LESS=iM -- EADDRINUSE
	expect "the reader's own LESS is kept" '[ "$(cat "$PAGER_MARK" 2>/dev/null)" = iM ]'
	for args in "--list" "--search address" "--json EAGAIN"; do
		on_tty PAGER="$tmp/pager" -- $args
		expect "errwhy $args on a terminal is paged" '[ "$status" = 0 ] && [ -f "$PAGER_MARK" ]'
	done
	on_tty PAGER="$tmp/pager" -- --no-pager EADDRINUSE
	expect "--no-pager shows the page without the pager" '[ "$status" = 0 ] && [ ! -e "$PAGER_MARK" ] && [[ "$out" == *"What this means"* ]]'
	on_tty PAGER="$tmp/pager" -- --brief EADDRINUSE
	expect "--brief is not paged" '[ "$status" = 0 ] && [ ! -e "$PAGER_MARK" ]'
	for none in "" cat; do
		on_tty PAGER="$none" -- EADDRINUSE
		expect "PAGER='$none' means no pager" '[ "$status" = 0 ] && [[ "$out" == *"What this means"* ]]'
	done
	printf -v cmd '%q EADDRINUSE | cat' "$errwhy"
	rm -f "$PAGER_MARK"
	run env PAGER="$tmp/pager" script -qec "$cmd" /dev/null </dev/null
	expect "no pager into a pipe, even from a terminal" '[ "$status" = 0 ] && [ ! -e "$PAGER_MARK" ] && [[ "$out" == *"What this means"* ]]'
	run env PAGER="$tmp/pager" "$errwhy" EADDRINUSE
	expect "no pager into a file" '[ "$status" = 0 ] && [ ! -e "$PAGER_MARK" ]'
	on_tty PAGER="$tmp/no-such-pager" -- EADDRINUSE
	expect "a PAGER that does not exist still shows the page" '[ "$status" = 0 ] && [[ "$out" == *"What this means"* ]] && [[ "$out" == *"Sources"* ]]'
	# A reader who quits early (here after one line of a long answer) is no error.
	on_tty PAGER="head -n 1" -- --json --list
	expect "quitting the pager early exits 0, quietly" '[ "$status" = 0 ] && [[ "$out" != *"cannot write"* ]]'
else
	echo "ok $((n += 1)) - # SKIP script(1) cannot give a terminal here"
fi

# Families: one number, every family's answer, most likely first (errwhy(1), DESCRIPTION).
brief() { run "$errwhy" --brief "$@"; }
first() { printf "%s\n" "$out" | sed -n "${1}p" | cut -d" " -f1; }
brief 9
expect "9 is EBADF, then SIGKILL" '[ "$status" = 0 ] && [ "$(first 1)" = EBADF ] && [ "$(first 2)" = SIGKILL ] && [ "$(printf "%s\n" "$out" | wc -l)" = 2 ]'
brief 137
expect "137 is the exit status of SIGKILL, alone (no errno is 137)" '[ "$out" = "137 SIGKILL Killed by SIGKILL (128+9)" ]'
brief 130
expect "130: the exit status (Ctrl-C) before EOWNERDEAD" '[ "$(first 1)" = 130 ] && [ "$(first 2)" = EOWNERDEAD ]'
brief -2
expect "-2 is ENOENT, then getaddrinfo's EAI_NONAME" '[ "$(first 1)" = ENOENT ] && [ "$(first 2)" = EAI_NONAME ]'
brief -517
expect "-517 is the kernel's EPROBE_DEFER" '[ "$(first 1)" = EPROBE_DEFER ]'
brief KILL
expect "KILL, as kill -l says it, is SIGKILL" '[ "$out" = "SIGKILL 9 Killed" ]'
brief sigsegv
expect "a signal name in any case" '[ "$(first 1)" = SIGSEGV ]'
brief 203/EXEC
expect "203/EXEC, as systemctl prints it" '[ "$(first 1)" = 203 ] && [[ "$out" == *EXIT_EXEC* ]]'
run "$errwhy" 203/NOTEXEC
expect "a status whose name does not agree matches nothing" '[ "$status" = 1 ]'
brief EX_USAGE
expect "an exit status by its sysexits.h name" '[ "$(first 1)" = 64 ]'
brief EAI_AGAIN
expect "a getaddrinfo code by name, with its glibc number" '[ "$out" = "EAI_AGAIN -3 Temporary failure in name resolution" ]'
brief ERESTARTSYS
expect "a kernel-internal code by name" '[ "$(first 1)" = ERESTARTSYS ]'
brief --family signal 9
expect "--family signal 9 is SIGKILL only" '[ "$out" = "SIGKILL 9 Killed" ]'
run "$errwhy" --family signal 137
expect "--family signal 137 matches nothing, and says so" '[ "$status" = 1 ] && [[ "$err" == *"no signal entry"* ]]'
run "$errwhy" --family nosuch 9
expect "an unknown family is a usage error" '[ "$status" = 2 ]'
run "$errwhy" 9
expect "a shared number labels each answer with its family" '[[ "$out" == "9 has 2 answers:"* ]] && [[ "$out" == *"As a signal, 9 is SIGKILL."* ]]'
run "$errwhy" -l --family signal
expect "-l --family signal lists signals, kill -l's names with numbers" '[ "$status" = 0 ] && printf "%s\n" "$out" | grep -qx "SIGKILL 9 Killed" && ! printf "%s\n" "$out" | grep -q "^E"'
if command -v bash >/dev/null; then
	missing=$(for n in $(bash -c 'kill -l' | tr -s ' \t' '\n' | grep -E '^SIG[A-Z]+$'); do
		printf "%s\n" "$out" | grep -q "^$n " || echo "$n"; done)
	expect "-l --family signal has every signal bash knows by name" '[ -z "$missing" ]'
fi
run "$errwhy" -l --family exit
expect "-l --family exit: status, symbol, title" 'printf "%s\n" "$out" | grep -qx "203 EXIT_EXEC Failed to Execute the Program" && printf "%s\n" "$out" | grep -q "^137 SIGKILL "'
run "$errwhy" --json SIGSEGV
expect "--json of a signal: default_action core, core true, numbers by system" '[ "$status" = 0 ] && printf "%s" "$out" | python3 -c "import json,sys; e=json.load(sys.stdin)[0]; n=e[\"numbers\"]; sys.exit(not (e[\"family\"] == \"signal\" and e[\"default_action\"] == \"core\" and e[\"core\"] is True and set(n) >= {\"darwin\",\"freebsd\",\"openbsd\",\"linux_alpha\",\"linux_mips\",\"linux_parisc\",\"linux_sparc\"}))"'
run "$errwhy" --json 137
expect "--json of 137: name SIGKILL, signal 9" 'printf "%s" "$out" | python3 -c "import json,sys; e=json.load(sys.stdin)[0]; sys.exit(not (e[\"family\"] == \"exit\" and e[\"number\"] == 137 and e[\"name\"] == \"SIGKILL\" and e[\"signal\"] == 9))"'
run "$errwhy" --json 203/EXEC
expect "--json of 203: name EXIT_EXEC, no signal" 'printf "%s" "$out" | python3 -c "import json,sys; e=json.load(sys.stdin)[0]; sys.exit(not (e[\"name\"] == \"EXIT_EXEC\" and e[\"signal\"] is None))"'
run "$errwhy" --json EAI_NONAME
expect "--json of a getaddrinfo code: glibc's number and text, musl and windows numbers" 'printf "%s" "$out" | python3 -c "import json,sys; e=json.load(sys.stdin)[0]; n=e[\"numbers\"]; sys.exit(not (e[\"number\"] == -2 and e[\"message\"] == \"Name or service not known\" and set(n) >= {\"musl\",\"darwin\",\"freebsd\",\"openbsd\",\"windows\"}))"'

# The families' forms in pasted messages (catalog/forms.md, the signal entries' Messages).
recognises() { # TEXT NAME
	want=$2
	run "$errwhy" --brief "$1"
	expect "recognised as $2: $1" '[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "^    $want "'
}
recognises "attendize_mail_1 exited with code 137" 137
recognises '"ExitCode": 139,' 139
recognises "Main process exited, code=exited, status=203/EXEC" 203
recognises "Main PID: 761 (code=killed, signal=KILL)" SIGKILL
recognises "Main process exited, code=dumped, status=11/SEGV" SIGSEGV
recognises "Segmentation fault (core dumped)" SIGSEGV
recognises "Aborted (core dumped)" SIGABRT
recognises "bash: line 1: 48 Killed                  python -u main.py" SIGKILL
recognises "go build x: signal: killed" SIGKILL
recognises "Command terminated by signal 9" SIGKILL
recognises "process 12 terminated by signal SIGSEGV" SIGSEGV
recognises "Error: getaddrinfo ENOTFOUND db.internal" EAI_NONAME
recognises "socket.gaierror: [Errno -2] Name or service not known" EAI_NONAME
recognises "socket.gaierror: [Errno -3] Temporary failure in name resolution" EAI_AGAIN
recognises "dial tcp: lookup db.internal: no such host" EAI_NONAME
recognises "platform x: probe with driver y failed with error -517" EPROBE_DEFER
run "$errwhy" --brief "the job was killed by the user at noon"
expect "'killed' in prose is no signal" '! printf "%s\n" "$out" | grep -q SIGKILL'

# Closing the pipe early is normal use, not an error.
"$errwhy" -l | head -n1 >/dev/null
pipe_status=${PIPESTATUS[0]}
expect "a closed pipe is not an error" '[ "$pipe_status" = 0 ]'

# An option about this machine that no page shows is said on stderr, the page still comes.
run "$errwhy" EADDRINUSE --path /etc/hostname
expect "--path on a page that is no file error: a notice, the page" '[ "$status" = 0 ] && [[ "$err" == *"--path"*"file errors"* ]] && [[ "$out" == *EADDRINUSE* ]]'
run "$errwhy" ENOENT --path /etc/hostname
expect "--path on ENOENT's page: no notice, the verdict" '[ "$status" = 0 ] && [ -z "$err" ] && [[ "$out" == *"ok: root can read /etc/hostname"* || "$out" == *"can read /etc/hostname"* ]]'

done_testing
