# tap.sh: a few lines of TAP for the command tests, sourced by each tests/cli/*.sh.
# check NAME CMD...: runs CMD, ok when it exits 0. Output of the last run is in $out/$err.
n=0 failed=0
out= err= status=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run CMD...: captures stdout, stderr and the exit status of one errwhy run.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		printf '#   status=%s\n#   stdout: %s\n#   stderr: %s\n' "$status" "${out:0:400}" "${err:0:400}" | sed 's/^/# /'
	fi
}

# expect DESCRIPTION TEST-EXPRESSION...: ok when the expression holds.
expect() {
	local what=$1
	shift
	if eval "$@"; then ok 0 "$what"; else ok 1 "$what"; fi
}

done_testing() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
