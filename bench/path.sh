#!/usr/bin/env bash
# path.sh: how long `errwhy path` takes on a path of 20 components (a scratch tree a/b/c/...),
# beside /bin/true, the floor (what starting any process costs here), and `namei -l`, the tool
# people use for the same walk today. Also, to tell where the time goes: `errwhy path --for list /` (one
# component: what every run pays: the mount table and the user's name) and `errwhy --brief
# 98` (errwhy's own start-up). Uses hyperfine, no shell. Target: under 2 ms median.
# Usage: [RUNS=1000] bench/path.sh [ERRWHY]   (default: a release build in build-bench/)
set -eu
cd "$(dirname "$0")/.."
errwhy=${1:-}
runs=${RUNS:-1000}
if [ -z "$errwhy" ]; then
	[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
	ninja -C build-bench src/errwhy >/dev/null
	errwhy=$PWD/build-bench/src/errwhy
fi
for tool in hyperfine python3; do
	command -v "$tool" >/dev/null || { echo "path.sh: needs $tool (scripts/deps.sh)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# 20 components from /: the scratch directory's own (/tmp/tmp.XXXX: 2) and 18 below it.
deep=$out/tree
for c in c d e f g h i j k l m n o p q r; do deep=$deep/$c; done
mkdir -p "$deep"
echo hello >"$deep/file"
target=$deep/file
n=$(($(echo "$target" | tr -cd / | wc -c)))
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "path: $n components ($target)"
"$errwhy" path "$target" >/dev/null || { echo "path.sh: errwhy path failed" >&2; exit 3; }

# Each command under a name of its own (-n), so that the table does not print the long path.
cmds=(-n "errwhy path" "$errwhy path $target" -n "errwhy path --json" "$errwhy path --json $target"
	-n "errwhy path --for list /" "$errwhy path --for list /" -n "errwhy --brief 98" "$errwhy --brief 98"
	-n /bin/true /bin/true)
command -v namei >/dev/null && cmds+=(-n "namei -l" "namei -l $target")
hyperfine -N --style none --warmup 50 --runs "$runs" --export-json "$out/path.json" \
	"${cmds[@]}" >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 3; }

python3 - "$out/path.json" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
floor = res["/bin/true"]["median"]
print("%-22s %10s %10s %12s" % ("command", "median", "mean", "minus floor"))
for name, r in res.items():
    print("%-22s %7.3f ms %7.3f ms %9.3f ms" % (name, r["median"] * 1e3, r["mean"] * 1e3,
                                             (r["median"] - floor) * 1e3))
ew = res["errwhy path"]["median"]
print("target: errwhy path under 2 ms median: %s (%.3f ms; %.3f ms above the floor)"
      % ("met" if ew < 2e-3 else "NOT met", ew * 1e3, (ew - floor) * 1e3))
PY
