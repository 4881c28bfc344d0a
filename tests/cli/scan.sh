#!/usr/bin/env bash
# scan.sh: errors recognised in text, as a user meets it: a pasted message as arguments,
# text on standard input, and `errwhy scan` over files (plain, gzip'd, several, unreadable,
# binary), with grep's exit codes and JSON Lines. Usage: scan.sh ERRWHY
errwhy=$1
. "$(dirname "$0")/tap.sh"

json_field() { # json_field PYTHON-EXPRESSION: evaluated on the JSON in $out as j
	python3 -c 'import json,sys; j=json.load(sys.stdin); print('"$1"')' <<<"$out"
}

# The issue's examples, each as one argument, as a user pastes them.
run "$errwhy" --no-pager "Error: listen EADDRINUSE: address already in use :::3000"
expect "Node's listen error is EADDRINUSE on port 3000, address ::, listen" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -q "^Recognised EADDRINUSE.*port 3000, address ::, listen"'
expect "the page follows, with On this machine for port 3000" \
	'printf "%s\n" "$out" | grep -q "^What this means" && printf "%s\n" "$out" | grep -q "^On this machine"'
run "$errwhy" --no-pager "[Errno 13] Permission denied: '/etc/shadow'"
expect "Python's [Errno 13] is EACCES on /etc/shadow" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -q "^Recognised EACCES (Python): path /etc/shadow"'
run "$errwhy" --no-pager "connect ECONNREFUSED 127.0.0.1:5432"
expect "ECONNREFUSED to 127.0.0.1:5432" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -q "^Recognised ECONNREFUSED.*port 5432, address 127.0.0.1, connect"'
run "$errwhy" --no-pager "open: No such file or directory"
expect "open: and the text is ENOENT" '[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -q "^Recognised ENOENT.*open"'
run "$errwhy" --no-pager listen EADDRINUSE: address already in use :::3000
expect "unquoted, the words are read as one message" '[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -q "^Recognised EADDRINUSE"'

# Names alone still get their pages; a mistyped one still gets suggestions.
run "$errwhy" --brief EADDRINUSE ENOENT
expect "two names are two lookups" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | wc -l)" = 2 ]'
run "$errwhy" EADRINUSE
expect "a mistyped name is no message: exit 1 with a suggestion" '[ "$status" = 1 ] && printf "%s" "$err" | grep -q "did you mean EADDRINUSE"'
run "$errwhy" "all is well, 98 requests served on port 3000"
expect "a line with no error recognises nothing: exit 1" '[ "$status" = 1 ] && [ -z "$out" ]'

run "$errwhy" --json "Error: listen EADDRINUSE: address already in use :::3000"
expect "--json: match kind message, the span, the context" \
	'[ "$status" = 0 ] && [ "$(json_field "j[0][\"name\"], j[0][\"match\"][\"kind\"], j[0][\"context\"][\"port\"], j[0][\"context\"][\"address\"]")" = "EADDRINUSE message 3000 ::" ]'
run "$errwhy" --json "socket.gaierror: [Errno -2] Name or service not known"
expect "--json: a getaddrinfo text is a resolver hit" \
	'[ "$status" = 0 ] && [ "$(json_field "j[0][\"family\"], j[0][\"name\"]")" = "resolver EAI_NONAME" ]'

# Standard input, when it is no terminal and no query is given.
run sh -c "printf 'starting\nError: EMFILE: too many open files, open \"/srv/a\"\n' | \"$errwhy\" --no-pager"
expect "piped output: EMFILE with its path" '[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -q "^Recognised EMFILE.*path /srv/a"'
run sh -c "printf 'ENOENT here\nand EACCES there\n' | \"$errwhy\" --no-pager"
expect "two errors piped: a line for each" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | grep -c "^Recognised")" = 2 ]'
run sh -c "echo all good | \"$errwhy\""
expect "piped text with no error: exit 1, said on stderr" '[ "$status" = 1 ] && printf "%s" "$err" | grep -q "no error recognised"'

# errwhy scan
printf 'boot\nlisten tcp :8080: bind: address already in use\nok\nopen /etc/x: no such file or directory\nok\nlisten tcp :8081: bind: address already in use\n' >"$tmp/app.log"
run "$errwhy" scan "$tmp/app.log"
expect "scan: a table with count, first and last line" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -Eq "^EADDRINUSE +2 +2 +6 " && printf "%s\n" "$out" | grep -Eq "^ENOENT +1 +4 +4 "'
expect "scan: then the brief line of each" 'printf "%s\n" "$out" | grep -q "^ENOENT 2 No such file or directory$"'
run "$errwhy" scan --json "$tmp/app.log"
expect "scan --json: one valid JSON object per hit" \
	'[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | python3 -c "import json,sys; print(\",\".join(\"%d:%s:%s\" % (o[\"line\"], o[\"name\"], o[\"context\"].get(\"port\", o[\"context\"].get(\"path\"))) for o in map(json.loads, sys.stdin)))")" = "2:EADDRINUSE:8080,4:ENOENT:/etc/x,6:EADDRINUSE:8081" ]'
gzip -c "$tmp/app.log" >"$tmp/app.log.gz"
run "$errwhy" scan --json "$tmp/app.log.gz"
expect "scan: a gzip'd file is read as such" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | wc -l)" = 3 ]'
run "$errwhy" scan --json "$tmp/app.log" "$tmp/app.log.gz"
expect "scan: several files: each hit names its file" '[ "$status" = 0 ] && [ "$(printf "%s\n" "$out" | grep -c "\"file\":\"$tmp/app.log.gz\"")" = 3 ]'
run "$errwhy" scan "$tmp/missing" "$tmp/app.log"
expect "scan: an unreadable file is exit 3, the others still scanned" \
	'[ "$status" = 3 ] && printf "%s" "$err" | grep -q "missing" && printf "%s\n" "$out" | grep -q "^EADDRINUSE"'
head -c 1000 "$tmp/app.log.gz" | head -c 20 >"$tmp/cut.gz"
run "$errwhy" scan "$tmp/cut.gz"
expect "scan: a cut gzip file is an error (exit 3), not silence" '[ "$status" = 3 ] && [ -n "$err" ]'
run sh -c "printf 'all fine\n' | \"$errwhy\" scan"
expect "scan: nothing found is exit 1" '[ "$status" = 1 ]'
run "$errwhy" scan --bogus
expect "scan: an unknown option is exit 2" '[ "$status" = 2 ]'
printf 'a\0b\xff\xfe Connection refused \x1b[31m\n\0\0\0' >"$tmp/bin"
run "$errwhy" scan --json "$tmp/bin"
expect "scan: NUL bytes and invalid UTF-8 are read; the JSON stays valid" \
	'[ "$status" = 0 ] && printf "%s\n" "$out" | python3 -c "import json,sys; [json.loads(l) for l in sys.stdin]" && ! printf "%s" "$out" | grep -q $'"'"'\033'"'"
run "$errwhy" scan
expect "scan with no file reads standard input (here: empty, nothing found)" '[ "$status" = 1 ]'

done_testing
