#!/usr/bin/env bash
# check-kernel.sh: every catalog/kernel entry's `- number:` must equal the value that the
# kernel's own include/linux/errno.h gives its name, and every name that header defines must
# have an entry. The header is the one Debian ships in linux-headers-*-common.
# Usage: check-kernel.sh CATALOG_DIR   (the catalog/kernel folder, or catalog/ above it)
set -eu
dir=${1:?usage: check-kernel.sh CATALOG_DIR}
[ -d "$dir/kernel" ] && dir=$dir/kernel
header=
for h in /usr/src/linux-headers-*-common/include/linux/errno.h; do
    [ -f "$h" ] && header=$h
done
if [ -z "$header" ]; then
    echo "check-kernel.sh: no /usr/src/linux-headers-*-common/include/linux/errno.h" >&2
    exit 2
fi
passed=0 failed=0
# NAME NUMBER for each #define in the header
defs=$(awk '$1 == "#define" && $2 ~ /^E[A-Z0-9_]+$/ && $3 ~ /^[0-9]+$/ { print $2, $3 }' \
    "$header")
[ -n "$defs" ] || { echo "check-kernel.sh: no codes found in $header" >&2; exit 2; }
while read -r name want; do
    file=$dir/$name.md
    if [ ! -f "$file" ]; then
        echo "$name: no entry $file (the header has $want)"
        failed=$((failed + 1))
        continue
    fi
    have=$(awk '/^- number:/ { print $3; exit }' "$file")
    if [ "$have" = "$want" ]; then
        passed=$((passed + 1))
    else
        echo "$name: $file has number '${have}', $header has $want"
        failed=$((failed + 1))
    fi
done <<<"$defs"
# entries for names that the header does not define
for file in "$dir"/*.md; do
    [ -f "$file" ] || continue
    name=$(basename "$file" .md)
    if ! grep -qx "$name [0-9]*" <<<"$defs"; then
        echo "$name: $file names a code that $header does not define"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
