#!/usr/bin/env bash
# run.sh: one bounded libFuzzer run from a seed corpus, for meson test. The corpus is copied to
# a temporary directory (libFuzzer adds to its first corpus directory; the repo stays as it is).
# Usage: run.sh HARNESS CORPUS_DIR ARTIFACT_DIR   (FUZZ_TIME: seconds of fuzzing, default 40)
set -u
harness=$1 corpus=$2 artifacts=$3/artifacts-$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$corpus/." "$tmp/"
rm -rf "$artifacts"
mkdir -p "$artifacts"

# Time bounds the run; nothing is asserted on time. -timeout: one input taking 20 s is a hang.
# libFuzzer's own exit status for a finding is 77, which meson reads as "skipped".
"$harness" -max_total_time="${FUZZ_TIME:-40}" -timeout=20 -rss_limit_mb=2048 \
	-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$tmp"
status=$?
if [ "$status" != 0 ]; then
	# The input that failed, printable, so the log alone is enough to reproduce it.
	for f in "$artifacts"/*; do
		[ -f "$f" ] || continue
		echo "failing input $f:"
		python3 -c 'import sys; print(repr(open(sys.argv[1], "rb").read()))' "$f"
	done
	echo "$(basename "$harness"): failed (status $status); rerun with: $harness ARTIFACT"
	exit 1
fi
