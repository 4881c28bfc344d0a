#!/usr/bin/env bash
# output.sh: an answer that cannot be written, or built, is never reported as success. Every
# output path to a full disk (/dev/full) fails with exit 3 and a message; and with every
# allocation failing in turn (failalloc.so), a run either prints exactly the full answer or
# exits 3 with a message and nothing on stdout. Usage: output.sh ERRWHY FAILALLOC_SO
errwhy=$1 failalloc=$2
. "$(dirname "$0")/tap.sh"

free=$("$errwhy" port --free)
for args in "--version" "--help" "port --help" "port --free" "port $free --wait --timeout 0" \
	"port $free" "port $free --json" "EADDRINUSE" "--json EAGAIN" "-l" "--brief 98" "-s address"; do
	# shellcheck disable=SC2086 # the arguments are words on purpose
	"$errwhy" $args >/dev/full 2>"$tmp/err"
	status=$?
	out="" err=$(cat "$tmp/err")
	expect "'errwhy $args' into a full disk: exit 3 and a message" \
		'[ "$status" = 3 ] && [[ "$err" == *"errwhy"* ]]'
done

# The sanitizer runtimes must come first among the libraries, so the preload test cannot run
# there; the plain build runs it.
if ldd "$errwhy" | grep -qE 'libasan|libubsan'; then
	echo "ok $((n += 1)) - allocation failures # SKIP under sanitizers"
	done_testing
	exit
fi

for args in "EADDRINUSE" "--json EAGAIN" "--brief 98" "-s address in use" "port $free" \
	"port $free --json" "EADDRINUSE --port $free" "--json EADDRINUSE --port $free"; do
	# shellcheck disable=SC2086
	ref=$("$errwhy" $args 2>/dev/null)
	refstatus=$?
	# shellcheck disable=SC2086
	total=$(EW_COUNT_ALLOCS=1 LD_PRELOAD=$failalloc "$errwhy" $args 2>&1 >/dev/null | tail -n 1 | awk '{print $2}')
	bad=0 first=
	for ((k = 1; k <= total + 1; k++)); do
		# shellcheck disable=SC2086
		EW_FAIL_AFTER=$k LD_PRELOAD=$failalloc "$errwhy" $args >"$tmp/o" 2>"$tmp/e"
		st=$?
		if [ "$st" = "$refstatus" ] && [ "$(cat "$tmp/o")" = "$ref" ]; then
			continue
		fi
		if [ "$st" = 3 ] && [ -s "$tmp/e" ] && [ ! -s "$tmp/o" ]; then
			continue
		fi
		bad=$((bad + 1))
		[ -z "$first" ] && first="allocation $k: exit $st, stdout $(head -c 100 "$tmp/o" | od -c | head -n 2 | tr '\n' ' ')"
	done
	out=$first err=
	expect "'errwhy $args' with each of its $total allocations failing: whole answer or exit 3" \
		'[ -n "$total" ] && [ "$bad" = 0 ]'
done
done_testing
