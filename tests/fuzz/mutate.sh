#!/usr/bin/env bash
# mutate.sh: a small, deterministic fuzz run. Real catalog entries with random bytes flipped,
# lines cut, duplicated or swapped go through catalogc, and random byte strings through errwhy;
# each run must end with a documented exit status, never a crash (the ASan+UBSan build makes a
# memory error a crash), and errwhy's stdout and stderr must carry no raw control character of
# the query (C0 but newline, DEL, C1, bidi controls, invalid UTF-8). Bounded: COUNT cases each
# (default 300), a fixed seed per case, plus the fixed queries of terminal edge cases.
# Usage: mutate.sh CATALOGC ERRWHY CATALOG_DIR
catalogc=$1 errwhy=$2 catalog=$3
count=${COUNT:-300}
tmp=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "# cases in $tmp" || trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# verdict NAME STATUS ALLOWED...: ok when STATUS is one of ALLOWED.
verdict() {
	local what=$1 status=$2
	shift 2
	n=$((n + 1))
	for ok in "$@"; do
		[ "$status" = "$ok" ] && return 0
	done
	failed=$((failed + 1))
	echo "not ok $n - $what: exit status $status"
	return 1
}

python3 - "$catalog" "$tmp" "$count" <<'PY'
import os, random, sys
catalog, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
entries = sorted(os.path.join(catalog, "errno", f) for f in os.listdir(os.path.join(catalog, "errno")))
for i in range(count):
    rnd = random.Random(i)
    path = rnd.choice(entries)
    data = bytearray(open(path, "rb").read())
    lines = data.split(b"\n")
    kind = rnd.randrange(5)
    if kind == 0:                      # flip bytes
        for _ in range(rnd.randint(1, 20)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
    elif kind == 1:                    # cut lines
        del lines[rnd.randrange(len(lines)):][:rnd.randint(1, 30)]
        data = b"\n".join(lines)
    elif kind == 2:                    # duplicate lines
        k = rnd.randrange(len(lines))
        lines[k:k] = lines[k:k + rnd.randint(1, 20)] * rnd.randint(1, 5)
        data = b"\n".join(lines)
    elif kind == 3:                    # swap two lines
        a, b = rnd.randrange(len(lines)), rnd.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        data = b"\n".join(lines)
    else:                              # truncate anywhere
        data = data[:rnd.randrange(len(data))]
    d = os.path.join(out, "cat%d" % i, "errno")
    os.makedirs(d)
    open(os.path.join(d, os.path.basename(path)), "wb").write(data)
    q = bytes(rnd.randrange(1, 256) for _ in range(rnd.randint(1, 300)))
    open(os.path.join(out, "query%d" % i), "wb").write(q)
# What a terminal must not get raw, each in a query: escapes, C1 raw and as UTF-8, overlong
# forms, a surrogate, past U+10FFFF, bidi overrides and isolates, bytes that are no UTF-8.
edges = [b"\x1b[31mEIO", b"\x1b]0;title\x07", b"E\x9bIO", b"\xc2\x9b2J", b"\xc0\xaf",
         b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80",
         b"\xff\x80\x80", b"\xe2\x80\xaeEIO", b"\xe2\x81\xa6x", b"\xe2\x80\x8f", b"\xd8\x9c",
         b"x\x7fy", b"-\r98", b"\xfe", b"E\xe2\x80"]
for k, q in enumerate(edges):
    open(os.path.join(out, "query%d" % (count + k)), "wb").write(q)
open(os.path.join(out, "queries"), "w").write(str(count + len(edges)))
PY
queries=$(cat "$tmp/queries")

for ((i = 0; i < count; i++)); do
	"$catalogc" --lint --partial "$tmp/cat$i" >/dev/null 2>&1
	verdict "catalogc on mutated entry $i" $? 0 1
done
for ((i = 0; i < queries; i++)); do
	"$errwhy" --brief -- "$(cat "$tmp/query$i")" >"$tmp/out$i" 2>"$tmp/err$i"
	verdict "errwhy on random query $i" $? 0 1 2
done

# Every output decoded strictly (Python refuses overlong forms, surrogates, past U+10FFFF),
# then no control character of any kind but the newline. Prints each leak; the count last.
python3 - "$tmp" "$queries" >"$tmp/raw" <<'PY'
import sys
tmp, queries = sys.argv[1], int(sys.argv[2])
BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}
def leak(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start, "invalid UTF-8"
    at = 0
    for ch in text:
        c = ord(ch)
        why = ("a C0 control" if c < 0x20 and ch != "\n" else "DEL" if c == 0x7F else
               "a C1 control" if 0x80 <= c <= 0x9F else "a bidi control" if c in BIDI else None)
        if why:
            return at, why
        at += len(ch.encode("utf-8"))
    return None
bad = 0
for i in range(queries):
    q = open("%s/query%d" % (tmp, i), "rb").read()
    for stream in ("out", "err"):
        data = open("%s/%s%d" % (tmp, stream, i), "rb").read()
        found = leak(data)
        if found:
            bad += 1
            at, why = found
            print("# query %d %r: std%s has %s raw at byte %d: %r" %
                  (i, q[:60], stream, why, at, data[max(0, at - 20):at + 20]))
print(bad)
PY
raw=$(tail -n 1 "$tmp/raw")
sed '$d' "$tmp/raw"
echo "# $n runs"
echo "1..2"
if [ "$failed" = 0 ]; then echo "ok 1 - $n runs, none crashed"; else echo "not ok 1 - $failed of $n crashed"; fi
if [ "$raw" = 0 ]; then
	echo "ok 2 - no raw control character of a query on stdout or stderr"
else
	echo "not ok 2 - $raw outputs carry a raw control character of their query"
fi
[ "$failed" = 0 ] && [ "$raw" = 0 ]
