#!/usr/bin/env bash
# lookup.sh: how long errwhy takes to answer, beside moreutils' errno doing the same job, with
# /bin/true as the floor (what starting any process costs here). Uses hyperfine, no shell.
# Prints each median and the errwhy/errno ratio; the target is a ratio of at most 1.0.
# Usage: bench/lookup.sh [ERRWHY]   (default: a release build in build-bench/)
set -eu
cd "$(dirname "$0")/.."
errwhy=${1:-}
runs=${RUNS:-2000}
if [ -z "$errwhy" ]; then
	[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
	ninja -C build-bench src/errwhy >/dev/null
	errwhy=$PWD/build-bench/src/errwhy
fi
for tool in hyperfine errno python3; do
	command -v "$tool" >/dev/null || { echo "lookup.sh: needs $tool (scripts/deps.sh)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "errwhy loads: $(ldd "$errwhy" | awk '{print $1}' | tr '\n' ' ')"
echo

# pair N ERRWHY-ARGS ERRNO-ARGS: one hyperfine run of the two commands and the floor.
pair() {
	hyperfine -N --style none --warmup 100 --runs "$runs" \
		--export-json "$out/$1.json" "$errwhy $2" "errno $3" /bin/true >/dev/null 2>"$out/$1.log"
}
pair 1 EADDRINUSE EADDRINUSE
pair 2 "--brief 98" 98
# errno -l lists errno values; errwhy -l every family, so the like-for-like list is errno's.
pair 3 "-l --family errno" -l
pair 4 "--brief 9" 9

python3 - "$out" <<'PY'
import json, os, sys
d = sys.argv[1]
print("%-28s %10s %10s %10s %8s" % ("command", "errwhy", "errno", "/bin/true", "ratio"))
for name in sorted(f for f in os.listdir(d) if f.endswith(".json")):
    r = json.load(open(os.path.join(d, name)))["results"]
    ours, theirs, floor = (x["median"] * 1000 for x in r)
    label = r[0]["command"].split("/")[-1]
    print("%-28s %8.3f ms %7.3f ms %7.3f ms %7.2fx" % (label, ours, theirs, floor, ours / theirs))
print("\nratio = errwhy median / errno median; target: at most 1.00")
PY
