#!/usr/bin/env bash
# check-exit-statuses.sh: the symbols of catalog/exit, each file named by its status (203.md),
# against the two places that define them.
# - `- symbol: EXIT_NAME`: `systemd-analyze exit-status` must list NAME with that status
#   (EXIT_FAILURE is its FAILURE, 1), in a class other than BSD, whose statuses are sysexits'.
# - `- symbol: EX_NAME`: /usr/include/sysexits.h must define EX_NAME as that status.
# - every status systemd-analyze lists, 0 aside, must have an entry, and that entry a symbol.
# Without systemd-analyze the systemd part is skipped, with a SKIP line saying so.
# Usage: check-exit-statuses.sh CATALOG_DIR   (the catalog/exit folder, or catalog/ above it)
set -eu
dir=${1:?usage: check-exit-statuses.sh CATALOG_DIR}
[ -d "$dir/exit" ] && dir=$dir/exit
if ! compgen -G "$dir/[0-9]*.md" >/dev/null; then
    echo "1..0 # SKIP no exit status entries in $dir (catalog/exit not written yet)"
    exit 77
fi
sysexits=/usr/include/sysexits.h
[ -f "$sysexits" ] || { echo "check-exit-statuses.sh: no $sysexits" >&2; exit 2; }
# EX_NAME STATUS for each #define in sysexits.h (EX__BASE and EX__MAX are bounds, not statuses)
exdefs=$(awk '$1 == "#define" && $2 ~ /^EX_[A-Z]/ && $3 ~ /^[0-9]+$/ { print $2, $3 }' \
    "$sysexits")
[ -n "$exdefs" ] || { echo "check-exit-statuses.sh: no EX_* found in $sysexits" >&2; exit 2; }
# NAME STATUS CLASS from systemd-analyze, its header line left out
systemd=
if command -v systemd-analyze >/dev/null; then
    systemd=$(systemd-analyze exit-status --no-pager | awk 'NR > 1 && $2 ~ /^[0-9]+$/')
    [ -n "$systemd" ] || { echo "check-exit-statuses.sh: systemd-analyze exit-status printed" \
        "no statuses" >&2; exit 2; }
else
    echo "# SKIP systemd-analyze not found: EXIT_* symbols and systemd's statuses not checked"
fi
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "$1"; failed=$((failed + 1)); }

for file in "$dir"/*.md; do
    status=$(basename "$file" .md)
    case $status in
    '' | *[!0-9]*)
        fail "$file: not named by an exit status"
        continue
        ;;
    esac
    # the symbol in the header lines, before the first section
    symbol=$(awk '/^## / { exit } /^- symbol:/ { print $3; exit }' "$file")
    case $symbol in
    '') continue ;;
    EX_*)
        want=$(awk -v s="$symbol" '$1 == s { print $2 }' <<<"$exdefs")
        if [ -z "$want" ]; then
            fail "$status ($symbol): $sysexits does not define $symbol"
        elif [ "$want" = "$status" ]; then
            pass
        else
            fail "$status ($symbol): $sysexits has $symbol $want"
        fi
        ;;
    EXIT_*)
        [ -n "$systemd" ] || continue
        want='' class=''
        read -r want class < <(awk -v n="${symbol#EXIT_}" '$1 == n { print $2, $3 }' \
            <<<"$systemd") || true
        if [ -z "${want:-}" ]; then
            fail "$status ($symbol): systemd-analyze exit-status lists no ${symbol#EXIT_}"
        elif [ "$want" != "$status" ]; then
            fail "$status ($symbol): systemd-analyze exit-status has ${symbol#EXIT_} $want"
        elif [ "$class" = BSD ]; then
            fail "$status ($symbol): systemd-analyze lists it as BSD, <sysexits.h>'s; the" \
                "symbol is EX_${symbol#EXIT_}"
        else
            pass
        fi
        ;;
    *) fail "$status: symbol $symbol is neither EXIT_* (systemd) nor EX_* (sysexits.h)" ;;
    esac
done

# every status systemd lists has an entry with a symbol
if [ -n "$systemd" ]; then
    while read -r name status class; do
        [ "$status" = 0 ] && continue
        if [ "$class" = BSD ]; then symbol=EX_$name; else symbol=EXIT_$name; fi
        file=$dir/$status.md
        if [ ! -f "$file" ]; then
            fail "$status ($symbol, $class): no entry $file"
        elif ! awk '/^## / { exit } /^- symbol:/ { found = 1 } END { exit !found }' "$file"; then
            fail "$status: $file has no symbol; systemd-analyze names it $symbol"
        else
            pass
        fi
    done <<<"$systemd"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
