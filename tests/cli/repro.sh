#!/usr/bin/env bash
# repro.sh: errwhy repro, the proof behind "high" confidence: --all runs every built-in
# reproduction, every entry marked high must reproduce exactly its errno, enough distinct
# names must, nothing is left in the temporary directory, and the command line's errors are
# clear. Usage: repro.sh ERRWHY [MIN_NAMES]
# MIN_NAMES: how many distinct errno names --all must reproduce when run as root (the
# REPRO_MIN_NAMES environment variable wins); as another user, bodies that need root skip,
# and no minimum applies. The time limit that kills a hung body is tested in
# tests/unit/test_repro.c, not here: it would take the limit's time.
errwhy=$1
min_names=${REPRO_MIN_NAMES:-${2:-65}}
. "$(dirname "$0")/tap.sh"
root=false
[ "$(id -u)" = 0 ] && root=true

# facts RUNS.json [PAGES.json]: what the tests below ask of a --all --json run, read in one
# python3 start (slow on a busy machine), as NAME=VALUE lines for the shell to test.
facts() {
	python3 - "$@" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
pages = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else []
keys = ["name", "result", "call", "got", "reason"]
res = {o["name"]: o["result"] for o in runs}
high = {p["id"] for p in pages if p["confidence"] == "high"}
broken = [o for o in runs if o["result"] in ("mismatch", "failed")]
crashed = [o["name"] for o in runs if o["result"] == "failed"
           and ("killed by" in o["reason"] or "timed out" in o["reason"])]
facts = {
    "shape": int(isinstance(runs, list) and all(sorted(o) == sorted(keys) for o in runs)),
    "results": int(all(o["result"] in ("reproduced", "mismatch", "skipped", "failed")
                       for o in runs)),
    "got_own": int(all(o["got"] == o["name"] and o["call"] for o in runs
                       if o["result"] == "reproduced")),
    "reasons": int(all(o["reason"] for o in runs if o["result"] != "reproduced")),
    "broken": len(broken),
    "cases": len(runs),
    "distinct": len({o["name"] for o in runs if o["result"] == "reproduced"}),
    "first": next((o["name"] for o in runs if o["result"] == "reproduced"), ""),
    "high_not_reproduced": " ".join(n + ":" + res.get(n, "not-run") for n in sorted(high)
                                    if res.get(n) != "reproduced"),
    "high_not_run": " ".join(n + ":" + res.get(n, "not-run") for n in sorted(high)
                             if res.get(n) not in ("reproduced", "skipped")),
    "run_not_high": " ".join(sorted(set(res) - high)) if pages else "",
    "without": next((p["id"] for p in pages if p["id"] not in res), ""),
    "crashed": " ".join(crashed),
    "names": " ".join(o["name"] for o in runs),
}
for k, v in facts.items():
    print(f"f_{k}={v}".replace("'", ""))
PY
}
# shellcheck disable=SC2034 # read by the expect lines
read_facts() { while IFS='=' read -r k v; do printf -v "$k" '%s' "$v"; done < <(facts "$@"); }

# Every run below makes its private directories in a directory of its own, to see them gone.
# A body that drops to nobody may use its directory's absolute path: nobody must reach it.
chmod 711 "$tmp"
export TMPDIR=$tmp/t
mkdir -m 755 "$TMPDIR"
left_behind() { [ -n "$(ls -A "$TMPDIR")" ]; }

run "$errwhy" repro --all --json
all_status=$status
printf '%s\n' "$out" >"$tmp/runs.json"
run "$errwhy" --list
# shellcheck disable=SC2046 # one word per name
"$errwhy" --json $(printf '%s\n' "$out" | awk '{print $1}') >"$tmp/pages.json"
read_facts "$tmp/runs.json" "$tmp/pages.json"
expect "--all --json is a JSON array of {name, result, call, got, reason}" '[ "$f_shape" = 1 ]'
expect "every result is one of the four" '[ "$f_results" = 1 ]'
expect "a reproduced case got exactly its own name, and names its call" '[ "$f_got_own" = 1 ]'
expect "a case not reproduced says why" '[ "$f_reasons" = 1 ]'
expect "--all exits 0 exactly when nothing mismatched or failed" \
	'{ [ "$f_broken" = 0 ] && [ "$all_status" = 0 ]; } || { [ "$f_broken" != 0 ] && [ "$all_status" = 1 ]; }'
expect "no private directory is left behind" '! left_behind'

# The earned mark: an entry's page says high only if its reproduction runs and reproduces.
if $root; then
	expect "every entry marked high is reproduced" \
		'[ -z "$f_high_not_reproduced" ] || { echo "# $f_high_not_reproduced"; false; }'
	expect "at least $min_names distinct names reproduced as root" \
		'echo "# $f_distinct reproduced"; [ "$f_distinct" -ge "$min_names" ]'
else
	expect "every entry marked high is reproduced or skipped (not root)" \
		'[ -z "$f_high_not_run" ] || { echo "# $f_high_not_run"; false; }'
fi
expect "every entry with a reproduction is marked high" \
	'[ -z "$f_run_not_high" ] || { echo "# $f_run_not_high"; false; }'

# The table: a row per case, the summary line counting the same.
run "$errwhy" repro --all
expect "the table has a header, a row per case and the summary" \
	'printf "%s\n" "$out" | head -n1 | grep -q "^NAME  *RESULT  *CALL OR REASON$" &&
	 [ "$(printf "%s\n" "$out" | wc -l)" = "$((f_cases + 2))" ] &&
	 printf "%s\n" "$out" | tail -n1 | grep -Eq "^[0-9]+ reproduced, [0-9]+ mismatch, [0-9]+ skipped, [0-9]+ failed \($f_distinct distinct names\)$"'
expect "no private directory is left behind by the table either" '! left_behind'

# One case by name, by number: the steps, the call, the errno, the verdict.
if [ -n "$f_first" ]; then
	number=$("$errwhy" --brief "$f_first" | awk '{print $2}')
	run "$errwhy" repro "$f_first"
	expect "repro $f_first: call, got and reproduced, exit 0" \
		'[ "$status" = 0 ] && printf "%s\n" "$out" | grep -q "^call: " &&
		 printf "%s\n" "$out" | grep -q "^got:  $f_first (" &&
		 printf "%s\n" "$out" | grep -q "^reproduced: $f_first, as expected$"'
	run "$errwhy" repro --json "$number"
	expect "repro --json by number ($number) runs the same entry" \
		'[ "$status" = 0 ] && [[ "$out" == "[{\"name\":\"$f_first\","* ]]'
else
	ok 1 "some entry reproduces, to run it by name"
fi
expect "no private directory is left behind by single runs" '! left_behind'

# An entry without a built-in reproduction says so, and is no success.
if [ -n "$f_without" ]; then
	run "$errwhy" repro "$f_without"
	expect "repro $f_without (none): exit 1, said on stderr" \
		'[ "$status" = 1 ] && [ -z "$out" ] && printf "%s" "$err" | grep -q "^errwhy repro: $f_without has no built-in reproduction"'
fi

# The command line.
run "$errwhy" repro ENOSUCHERROR
expect "an unknown name: exit 1, a clear error" \
	'[ "$status" = 1 ] && [ -z "$out" ] && printf "%s" "$err" | grep -q "^errwhy repro: no error matches .ENOSUCHERROR."'
run "$errwhy" repro
expect "no NAME and no --all: usage, exit 2" '[ "$status" = 2 ] && printf "%s" "$err" | grep -q "errwhy repro"'
run "$errwhy" repro --all EPERM
expect "--all and a NAME: usage, exit 2" '[ "$status" = 2 ]'
run "$errwhy" repro --frobnicate
expect "an unknown option: usage, exit 2" '[ "$status" = 2 ] && printf "%s" "$err" | grep -q "unknown option"'
run "$errwhy" repro --help
expect "--help: the usage, exit 0" '[ "$status" = 0 ] && printf "%s\n" "$out" | head -n1 | grep -q "^usage: errwhy repro"'

# As an ordinary user the bodies go through user namespaces (or skip): still clean JSON and
# nothing left behind. Results are not judged: a body may need root.
if $root && command -v setpriv >/dev/null; then
	# Somewhere nobody may reach: $tmp is root's alone.
	TMPDIR=$(mktemp -d /tmp/repro-nobody.XXXXXX)
	trap 'rm -rf "$tmp" "$TMPDIR"' EXIT
	chmod 1777 "$TMPDIR"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$errwhy" repro --all --json
	printf '%s\n' "$out" >"$tmp/nobody.json"
	root_names=$f_names
	read_facts "$tmp/nobody.json"
	expect "as nobody: --all --json runs the same cases" \
		'[ "$f_shape" = 1 ] && [ "$f_cases" -gt 0 ] && [ "$f_names" = "$root_names" ]'
	expect "as nobody: no case crashed or timed out" '[ -z "$f_crashed" ] || { echo "# $f_crashed"; false; }'
	expect "as nobody: no private directory is left behind" '! left_behind'
fi

done_testing
