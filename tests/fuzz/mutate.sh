#!/usr/bin/env bash
# mutate.sh: a small, deterministic fuzz run. Real catalog entries with random bytes flipped,
# lines cut, duplicated or swapped go through catalogc, and random byte strings through errwhy;
# each run must end with a documented exit status, never a crash (the ASan+UBSan build makes a
# memory error a crash). Bounded: COUNT cases each (default 300), a fixed seed per case.
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
PY

for ((i = 0; i < count; i++)); do
	"$catalogc" --lint --partial "$tmp/cat$i" >/dev/null 2>&1
	verdict "catalogc on mutated entry $i" $? 0 1
	"$errwhy" --brief -- "$(cat "$tmp/query$i")" >/dev/null 2>&1
	verdict "errwhy on random query $i" $? 0 1 2
done
echo "# $n runs"
echo "1..1"
if [ "$failed" = 0 ]; then echo "ok 1 - $n runs, none crashed"; else echo "not ok 1 - $failed of $n crashed"; fi
[ "$failed" = 0 ]
