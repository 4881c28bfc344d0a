#!/usr/bin/env bash
# longline.sh: one 100 MB line without a newline (generated on the fly, never on disk) through
# `errwhy scan --json`: exactly the errors placed in it are found, in constant memory.
# Usage: longline.sh ERRWHY [MAX_RSS_KB]   (TAP; nothing here depends on the machine's speed)
set -u
errwhy=$1
max_kb=${2:-65536}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..4"

# 100 MiB of 'x' with "Connection refused" at 1 MiB, in the middle and at the very end, and
# "Too many open files" just after the 256 KiB block boundary of the scanner. python3 writes
# it into a pipe in pieces; errwhy reads the pipe.
cat >"$tmp/gen.py" <<'PY'
import sys
out = sys.stdout.buffer
total = 100 * 1024 * 1024
marks = {1 << 20: b" Connection refused ", total // 2: b" Connection refused ",
         256 * 1024 + 7: b" Too many open files "}
end = b" Connection refused"
pos, piece = 0, b"x" * (1 << 16)
for at in sorted(marks):
    while pos < at:
        k = min(len(piece), at - pos)
        out.write(piece[:k]); pos += k
    out.write(marks[at]); pos += len(marks[at])
while pos < total - len(end):
    k = min(len(piece), total - len(end) - pos)
    out.write(piece[:k]); pos += k
out.write(end)
PY

# The peak resident size of errwhy: from /usr/bin/time -v when there, else VmHWM read from
# /proc while it runs (last value before it exits: the high-water mark only grows).
if [ -x /usr/bin/time ]; then
	python3 "$tmp/gen.py" | /usr/bin/time -v -o "$tmp/time" "$errwhy" scan --json \
		>"$tmp/out" 2>"$tmp/err"
	status=$?
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
else
	# $! of a pipeline in the background is its last command: errwhy.
	python3 "$tmp/gen.py" | "$errwhy" scan --json >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	rss=0
	while kill -0 "$pid" 2>/dev/null; do
		v=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
		[ -n "$v" ] && rss=$v
		sleep 0.05
	done
	wait "$pid"
	status=$?
fi

if [ "$status" = 0 ]; then echo "ok 1 - exit 0 (errors found)"; else
	echo "not ok 1 - exit $status"; sed 's/^/# /' "$tmp/err" | head -20; fi

got=$(python3 - "$tmp/out" <<'PY'
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="replace") if l.strip()]
print(" ".join(h["name"] + "@" + str(h["line"]) for h in hits))
PY
)
want="EMFILE@1 ECONNREFUSED@1 ECONNREFUSED@1 ECONNREFUSED@1"
if [ "$got" = "$want" ]; then echo "ok 2 - the four errors placed, in order, on line 1"; else
	echo "not ok 2 - hits: '$got', want '$want'"; head -c 2000 "$tmp/out" | sed 's/^/# /'; fi

if [ "$(grep -c '"text":"[^"]*"' "$tmp/out")" = 4 ] &&
	! grep -q 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "$tmp/out"; then
	echo "ok 3 - each hit's text is its span, not the line"
else
	echo "not ok 3 - texts:"; head -c 2000 "$tmp/out" | sed 's/^/# /'
fi

if [ -n "$rss" ] && [ "$rss" -gt 0 ] && [ "$rss" -lt "$max_kb" ]; then
	echo "ok 4 - peak RSS ${rss} kB, under ${max_kb} kB"
else
	echo "not ok 4 - peak RSS '${rss}' kB, limit ${max_kb} kB"
fi
