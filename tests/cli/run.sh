#!/usr/bin/env bash
# run.sh: errwhy run passes a command's output through byte for byte, keeps stdout and stderr
# apart on pipes, runs it on a pty when errwhy's stdout is a terminal (under script(1)), exits
# with its status, and explains a failure only. Usage: run.sh ERRWHY
errwhy=$1
. "$(dirname "$0")/tap.sh"

# Exit statuses pass through, and a success adds nothing.
for code in 0 1 42; do
	run "$errwhy" run -- sh -c "exit $code"
	expect "exit status $code passes through" '[ "$status" = "$code" ]'
done
run "$errwhy" run -- true
expect "a success prints nothing of errwhy's" '[ "$status" = 0 ] && [ -z "$out" ] && [ -z "$err" ]'
run "$errwhy" run -- sh -c 'exit 42'
expect "a failure says the command and its status" \
	'[[ "$err" == *"errwhy: sh -c '"'exit 42'"' exited with status 42"* ]]'

# Killed by a signal: 128+N, as a shell says it, with the signal's name.
run "$errwhy" run -- sh -c 'kill -KILL $$'
expect "killed by SIGKILL: 137 and the signal named" \
	'[ "$status" = 137 ] && [[ "$err" == *"killed by signal 9 (SIGKILL), exit status 137"* ]]'
expect "a killed command gets the signal's whole page" \
	'[[ "$err" == *"SIGKILL  9  Signals"* ]] && [[ "$err" == *"Who sends it"* ]] && [[ "$err" == *"What this means"* ]]'
run "$errwhy" run -- sh -c 'kill -SEGV $$'
expect "killed by SIGSEGV: 139 and SIGSEGV's page" \
	'[ "$status" = 139 ] && [[ "$err" == *"SIGSEGV  11  Signals"* ]]'

# Commands that cannot be run: 127 and 126, with a message, and no explanation beyond it.
run "$errwhy" run -- errwhy-no-such-command-here arg
expect "command not found: 127" \
	'[ "$status" = 127 ] && [[ "$err" == *"errwhy-no-such-command-here"*"command not found"* ]] && [[ "$err" != *"exited"* ]]'
printf 'not a program\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
run "$errwhy" run -- "$tmp/noexec"
expect "not executable: 126" '[ "$status" = 126 ] && [[ "$err" == *"cannot run"*"Permission denied"* ]]'
run "$errwhy" run -- "$tmp/no/such/file"
expect "a path that does not exist: 127" '[ "$status" = 127 ] && [[ "$err" == *"No such file"* ]]'

# errwhy's own command line.
run "$errwhy" run
expect "no command: usage error 2" '[ "$status" = 2 ] && [[ "$err" == *"errwhy run"* ]]'
run "$errwhy" run --
expect "only --: usage error 2" '[ "$status" = 2 ]'
run "$errwhy" run --frobnicate true
expect "an unknown option: usage error 2" '[ "$status" = 2 ] && [[ "$err" == *"--frobnicate"* ]]'
run "$errwhy" run --help
expect "--help: usage on stdout, 0" '[ "$status" = 0 ] && [[ "$out" == *"errwhy run"* ]]'
run "$errwhy" run -- sh -c 'echo "$1 $2"' sh --json -q
expect "options after the command are the command's" '[ "$status" = 0 ] && [ "$out" = "--json -q" ]'

# stdout and stderr apart, byte for byte: NULs, a byte that is not UTF-8, no final newline.
printf 'out\0put\377\nno newline at the end' >"$tmp/want-out"
printf 'err\0or\nlast' >"$tmp/want-err"
"$errwhy" run -- sh -c "cat '$tmp/want-out'; cat '$tmp/want-err' >&2" >"$tmp/got-out" 2>"$tmp/got-err"
status=$? out=$(od -c "$tmp/got-out" | head -n 4) err=$(od -c "$tmp/got-err" | head -n 4)
expect "stdout byte-exact on a pipe" 'cmp -s "$tmp/want-out" "$tmp/got-out"'
expect "stderr byte-exact on a pipe" 'cmp -s "$tmp/want-err" "$tmp/got-err"'

# A failure: stdout still exact, stderr the command's bytes first, then errwhy's lines on a
# line of their own.
"$errwhy" run -- sh -c "cat '$tmp/want-out'; cat '$tmp/want-err' >&2; exit 5" >"$tmp/got-out" 2>"$tmp/got-err"
status=$? out=$(od -c "$tmp/got-out" | head -n 4) err=$(tr -d '\0' <"$tmp/got-err")
size=$(wc -c <"$tmp/want-err")
expect "a failure: status 5, stdout exact" '[ "$status" = 5 ] && cmp -s "$tmp/want-out" "$tmp/got-out"'
expect "a failure: stderr starts with the command's, then a new line for errwhy" \
	'head -c "$size" "$tmp/got-err" | cmp -s - "$tmp/want-err" && [ "$(tail -c +$((size + 1)) "$tmp/got-err" | head -c 1 | od -An -c | tr -d " ")" = "\n" ]'

# --quiet: nothing of errwhy's even on failure.
run "$errwhy" run --quiet -- sh -c 'echo oops >&2; exit 3'
expect "--quiet: the status, and only the command's stderr" '[ "$status" = 3 ] && [ "$err" = oops ]'

# --json: one object, the last line of stderr, whether or not the command failed.
run "$errwhy" run --json -- sh -c 'echo fine'
expect "--json on success: one object with status 0" \
	'[ "$status" = 0 ] && [ "$out" = fine ] && printf "%s" "$err" | python3 -c "import json,sys; o=json.loads(sys.stdin.read()); sys.exit(not (o[\"status\"] == 0 and o[\"signal\"] is None and o[\"command\"] == [\"sh\", \"-c\", \"echo fine\"]))"'
run "$errwhy" run --json -- sh -c 'kill -KILL $$'
expect "--json for a signal: status 137, signal SIGKILL" \
	'[ "$status" = 137 ] && printf "%s" "$err" | tail -n 1 | python3 -c "import json,sys; o=json.loads(sys.stdin.read()); sys.exit(not (o[\"status\"] == 137 and o[\"signal\"] == \"SIGKILL\"))"'
expect "--json for a signal: the signal's entry, with its default action" \
	'printf "%s" "$err" | tail -n 1 | python3 -c "import json,sys; o=json.loads(sys.stdin.read()); e=o[\"signal_entry\"]; sys.exit(not (e[\"name\"] == \"SIGKILL\" and e[\"default_action\"] == \"term\" and not e[\"catchable\"]))"'

# errwhy ignores SIGPIPE for itself; the command gets the default back, so yes dies quietly.
run "$errwhy" run -- sh -c 'yes | head -n 1'
expect "the command's SIGPIPE is the default again" '[ "$status" = 0 ] && [ "$out" = y ] && [ -z "$err" ]'

# stdin is the command's on pipes.
out=$(printf 'typed\n' | "$errwhy" run -- cat)
status=$?
expect "stdin is passed on" '[ "$status" = 0 ] && [ "$out" = typed ]'

# Large output: 20 MB through head -c, byte-exact.
head -c 20000000 /dev/urandom >"$tmp/big"
"$errwhy" run -- head -c 20000000 "$tmp/big" >"$tmp/big-out" 2>"$tmp/err"
status=$? out=$(wc -c <"$tmp/big-out") err=$(cat "$tmp/err")
expect "20 MB pass byte-exact" '[ "$status" = 0 ] && cmp -s "$tmp/big" "$tmp/big-out"'

# errwhy's stdout non-blocking (a flag shared with whoever else has it): EAGAIN loses nothing.
python3 -c 'import fcntl, os, sys
fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK)
os.execv(sys.argv[1], sys.argv[1:])' "$errwhy" run -- cat "$tmp/big" 2>"$tmp/err" | cat >"$tmp/big-out"
status=${PIPESTATUS[0]} out=$(wc -c <"$tmp/big-out") err=$(cat "$tmp/err")
expect "a non-blocking stdout: 20 MB byte-exact" '[ "$status" = 0 ] && cmp -s "$tmp/big" "$tmp/big-out"'

# Our reader goes away (EPIPE): the command runs on to its end, and its status is ours.
"$errwhy" run -- sh -c "cat '$tmp/big'; echo done >&2; exit 7" 2>"$tmp/err" | head -c 10 >/dev/null
status=${PIPESTATUS[0]} out= err=$(cat "$tmp/err")
expect "stdout closed early: the command still ends, its status passes" \
	'[ "$status" = 7 ] && [[ "$err" == done* ]]'

# A full disk is said, once: exit 3 when the command succeeded, else the command's status.
"$errwhy" run -- sh -c 'echo a; echo b' >/dev/full 2>"$tmp/err"
status=$? out= err=$(cat "$tmp/err")
expect "stdout on a full disk: a message and 3" \
	'[ "$status" = 3 ] && [[ "$err" == *"cannot write the command'"'"'s output: No space left"* ]] && [ "$(grep -c "cannot write" "$tmp/err")" = 1 ]'
"$errwhy" run -- sh -c 'echo a; exit 6' >/dev/full 2>"$tmp/err"
status=$? out= err=$(cat "$tmp/err")
expect "stdout on a full disk, the command failing: its status" '[ "$status" = 6 ] && [[ "$err" == *"No space left"* ]]'

# A signal sent to errwhy is passed on to the command, and its death reported as such.
run "$errwhy" run -- sh -c 'kill -TERM $PPID; exec sleep 60'
expect "SIGTERM to errwhy reaches the command: 143" '[ "$status" = 143 ] && [[ "$err" == *SIGTERM* ]]'

# Recognising: a failure's errors are named; a success's are not.
node_err='Error: listen EADDRINUSE: address already in use :::3000'
have_recogniser=false
"$errwhy" run --json -- true 2>&1 | grep -q '"recognised":true' && have_recogniser=true
if $have_recogniser; then
	run "$errwhy" run -- sh -c "echo '$node_err' >&2; exit 1"
	expect "a failure printing EADDRINUSE gets it explained" \
		'[ "$status" = 1 ] && [[ "$err" == *"EADDRINUSE 98"* ]] && [[ "$err" == *"port 3000"* ]] && [[ "$err" == *"errwhy EADDRINUSE"* ]]'
	run "$errwhy" run -- sh -c "printf '\\033[31m%s\\033[0m\\r\\n' '$node_err' >&2; exit 1"
	expect "colours and \\r\\n around the message: its context still read" \
		'[ "$status" = 1 ] && [[ "$err" == *"Address already in use: port 3000, address ::, listen"* ]]'
	run "$errwhy" run --json -- sh -c "echo '$node_err'; echo '$node_err'; exit 1"
	expect "--json names EADDRINUSE, seen twice, port 3000" \
		'printf "%s" "$err" | python3 -c "import json,sys; e=json.loads(sys.stdin.read())[\"errors\"]; sys.exit(not (e[0][\"name\"] == \"EADDRINUSE\" and e[0][\"count\"] == 2 and e[0][\"context\"][\"port\"] == 3000))"'
else
	echo "ok $((n += 1)) - a failure printing EADDRINUSE gets it explained # SKIP no recogniser in this build"
	echo "ok $((n += 1)) - colours around the message # SKIP no recogniser in this build"
	echo "ok $((n += 1)) - --json names EADDRINUSE # SKIP no recogniser in this build"
fi
run "$errwhy" run -- sh -c "echo '$node_err' >&2; exit 0"
expect "a success printing an error text gets no explanation" \
	'[ "$status" = 0 ] && [ "$err" = "$node_err" ]'

# On a terminal (script(1) gives errwhy one): the command sees a tty, its output arrives, the
# size is copied, and errwhy's terminal is as it was afterwards, also after a signal.
if ! command -v script >/dev/null; then
	echo "ok $((n += 1)) - pty mode # SKIP no script(1)"
	done_testing
	exit
fi
cat >"$tmp/pty.sh" <<EOF
stty rows 45 cols 123
stty -g >"$tmp/stty-before"
term=\$(tty)
"$errwhy" run -- sh -c 'test -t 1 && echo child-stdout-is-a-tty; stty size; stty -g <"\$1" >"$tmp/stty-during"; exit 3' sh "\$term"
echo "status=\$?"
stty -g >"$tmp/stty-after"
"$errwhy" run -- sh -c 'kill -TERM \$PPID; exec sleep 60'
echo "status=\$?"
stty -g >"$tmp/stty-after-term"
"$errwhy" run -- sh -c 'trap "stty size </dev/tty; exit 0" WINCH; : >"$tmp/ready"; i=0; while [ \$i -lt 120 ]; do sleep 1; i=\$((i + 1)); done; exit 9' &
while [ ! -e "$tmp/ready" ]; do sleep 0.1; done
stty rows 33 cols 99
kill -WINCH \$!
wait \$!
echo "winch-status=\$?"
"$errwhy" run -- sh -c "printf '\\033[31m%s\\033[0m\\n' '$node_err'; exit 1"
EOF
script -qec "bash $tmp/pty.sh" /dev/null </dev/null >"$tmp/pty-out" 2>&1
status=$? out=$(tr -d '\r' <"$tmp/pty-out") err=
expect "pty: the command sees a terminal and its output arrives" \
	'[[ "$out" == *child-stdout-is-a-tty* ]]'
expect "pty: the terminal size is copied" '[[ "$out" == *"45 123"* ]]'
expect "pty: the status passes and the failure is explained" \
	'[[ "$out" == *"status=3"* ]] && [[ "$out" == *"exited with status 3"* ]]'
expect "pty: errwhy's terminal is raw while the command runs" \
	'[ -s "$tmp/stty-during" ] && ! cmp -s "$tmp/stty-before" "$tmp/stty-during"'
expect "pty: the terminal settings are restored" \
	'[ -s "$tmp/stty-before" ] && cmp -s "$tmp/stty-before" "$tmp/stty-after"'
expect "pty: SIGTERM to errwhy reaches the command, 143, terminal restored" \
	'[[ "$out" == *"status=143"* ]] && cmp -s "$tmp/stty-before" "$tmp/stty-after-term"'
expect "pty: a new size reaches the command (SIGWINCH)" \
	'[[ "$out" == *"33 99"* ]] && [[ "$out" == *"winch-status=0"* ]]'
if $have_recogniser; then
	expect "pty: a coloured EADDRINUSE is explained with its context" \
		'[[ "$out" == *"Address already in use: port 3000, address ::, listen"* ]]'
else
	echo "ok $((n += 1)) - pty: a coloured EADDRINUSE # SKIP no recogniser in this build"
fi
# Keys reach the command through errwhy's raw terminal and the command's pty, and so does
# the end of input (script(1) sends it when its stdin ends). Bounded, should a key be lost.
printf 'one\ntwo\n' | timeout 300 script -qec "$errwhy run -- wc -l" /dev/null >"$tmp/pty-keys"
status=$? out=$(tr -d '\r' <"$tmp/pty-keys") err=
expect "pty: typed lines and their end reach the command" \
	'[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | tail -n 1)" = 2 ]'
done_testing
