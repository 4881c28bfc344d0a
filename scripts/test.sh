#!/usr/bin/env bash
# test.sh: builds errwhy and runs every test suite three ways: a plain build, a build with
# AddressSanitizer + UndefinedBehaviorSanitizer, and the unit tests and command under valgrind.
# Ends with the line "N passed, N failed" (meson's own counts, summed; ", N skipped" follows
# when some were skipped) and fails if any failed.
# Usage: scripts/test.sh   (after scripts/deps.sh; build trees go to build-test*/)
set -u
cd "$(dirname "$0")/.."
logs=()

# suite_run NAME BUILD-DIR MESON-SETUP-ARGS -- MESON-TEST-ARGS
suite_run() {
	local name=$1 dir=$2
	shift 2
	local setup=() testargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do setup+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	testargs=("$@")
	echo "== $name"
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "${setup[@]}" >"$dir.setup.log" 2>&1
	else
		meson setup "$dir" "${setup[@]}" >"$dir.setup.log" 2>&1
	fi || { cat "$dir.setup.log"; echo "$name: meson setup failed"; return 1; }
	ninja -C "$dir" >"$dir.build.log" 2>&1 || { tail -n 40 "$dir.build.log"; echo "$name: build failed"; return 1; }
	# Each test has its own timeout in tests/meson.build; the sanitizers and valgrind make
	# everything several times slower, on a machine that may be busy besides.
	meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier "${slow:-1}" \
		"${testargs[@]}" | tail -n 12
	logs+=("$dir/meson-logs/testlog${wrapper_log:-}.json")
}

# Any sanitizer finding fails its test loudly, with a stack to read: abort, so that a UBSan
# report can never pass for an ordinary exit status (1 is "not found").
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

status=0
wrapper_log=
suite_run plain build-test -- || status=1
slow=3 suite_run "asan+ubsan" build-test-asan -Db_sanitize=address,undefined -Db_lundef=false -- \
	--suite lint --suite unit --suite cli --suite port --suite fuzz --suite serve --suite valgrind || status=1
# And the libFuzzer harnesses of tests/fuzz/: a clang build (CC counts at the first setup of
# the build dir only) with ASan+UBSan, each fuzzing briefly from its seed corpus.
CC=clang suite_run libfuzzer build-test-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
	-Db_lundef=false -- --suite libfuzzer || status=1
# valgrind: the unit tests and the command itself (the shell-driven suites would only
# check bash). meson names the log after the wrapper.
wrapper_log=-valgrind
slow=5 suite_run valgrind build-test -- --suite unit --suite valgrind \
	--wrap='valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --quiet' \
	|| status=1

python3 - "${logs[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        print("no test log at", path)
        continue
    for line in lines:
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped if skipped else ""))
sys.exit(1 if failed else 0)
PY
summary=$?
[ "$status" = 0 ] && [ "$summary" = 0 ]
