#!/usr/bin/env bash
# Checks every citation under "## Sources" in the catalog against the installed man pages:
# for an errno, a page counts only if its rendered text names the error (or one of its
# aliases) in ERRORS; for errno(3) and section 7 pages, anywhere. Other families' pages list
# their names elsewhere (getaddrinfo(3) under RETURN VALUE, signal(7) in a table, bash(1) its
# statuses under EXIT STATUS), so there the name counts anywhere: a signal also by its name
# without SIG (kill -KILL), an exit status by its symbol or its number as a word. A header
# citation must exist and define the name; a kernel entry may cite the kernel's own header,
# `linux vX include/linux/errno.h`, checked in the installed linux-headers-*-common.
# Then every claim source (the Source: lines of causes and fixes, catalog/README.md "Claim
# sources"): a page with a quoted phrase must contain the phrase (runs of spaces and line
# breaks read as one space); a page without one must name the error somewhere; a header must
# exist. Kernel and glibc locations are checked for shape by catalogc.
# Usage: check-sources.sh [ENTRY.md ...]   (default: every catalog entry)
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$here"/catalog/*/*.md
export MANWIDTH=200 MAN_KEEP_FORMATTING= LC_ALL=C.UTF-8
cache=$(mktemp -d); trap 'rm -rf "$cache"' EXIT
passed=0 failed=0

# Renders a page once; later citations of the same page read the cached text.
render() {
	local f="$cache/$1.$2"
	[ -e "$f" ] || man --nh -P cat "$2" "$1" </dev/null >"$f" 2>/dev/null || : >"$f"
	printf '%s' "$f"
}

# The ERRORS section: from the "ERRORS" heading to the next heading in column 0.
errors_section() {
	awk '/^ERRORS/ {on=1; next} on && /^[A-Z][A-Z ]+$/ {exit} on' "$1"
}

# The family of an entry: the name of its folder.
family_of() { basename "$(dirname "$1")"; }

# The words that name the entry: its name and aliases, a signal's short name, an exit
# status's symbol.
names_of() {
	local file=$1 name
	name=$(sed -n 's/^# //p' "$file" | head -n1)
	printf '%s %s' "$name" "$(sed -n 's/^- aliases: //p; s/^- symbol: //p' "$file")"
	case $(family_of "$file") in signal) printf ' %s' "${name#SIG}" ;; esac
}

# The kernel's header as Debian's linux-headers-*-common has it, newest first.
kernel_file() {
	local f
	for f in $(ls -d /usr/src/linux-headers-*-common 2>/dev/null | sort -rV); do
		[ -e "$f/$1" ] && { printf '%s' "$f/$1"; return 0; }
	done
	return 1
}

check_one() {
	local file=$1 name src page sec text words family hdr
	name=$(sed -n 's/^# //p' "$file" | head -n1)
	words=$(names_of "$file")
	family=$(family_of "$file")
	while read -r src; do
		case $src in
		linux\ v*\ *)
			if hdr=$(kernel_file "${src#linux v* }"); then
				grep -qwE "$(echo $words | tr ' ' '|')" "$hdr" && ok=1 || ok=0
			else
				echo "$file: $src: no such file in linux-headers-*-common"
				failed=$((failed + 1)); continue
			fi ;;
		\<*\>)
			hdr=${src#<}; hdr=${hdr%>}
			if grep -qwE "$(echo $words | tr ' ' '|')" "/usr/include/$hdr" 2>/dev/null; then ok=1; else ok=0; fi ;;
		*\(*\))
			page=${src%%(*}; sec=${src#*(}; sec=${sec%)}
			text=$(render "$page" "$sec")
			if [ ! -s "$text" ]; then
				echo "$file: $src: no such man page installed"; failed=$((failed + 1)); continue
			fi
			if [ "$page($sec)" = "errno(3)" ] || [ "${sec:0:1}" = 7 ] || [ "$family" != errno ]; then
				grep -qwE "$(echo $words | tr ' ' '|')" "$text" && ok=1 || ok=0
			else
				errors_section "$text" | grep -qwE "$(echo $words | tr ' ' '|')" && ok=1 || ok=0
			fi ;;
		*) echo "$file: '$src' is neither page(section) nor <header.h>"; failed=$((failed + 1)); continue ;;
		esac
		if [ "$ok" = 1 ]; then passed=$((passed + 1)); else
			echo "$file: $src does not name $name"; failed=$((failed + 1)); fi
	done < <(awk '/^## Sources/ {on=1; next} /^## / {on=0} on && /^- / {sub(/^- /, ""); print}' "$file")
}

# The page's text on one line, spaces squeezed: a phrase may run across a line break.
flat() {
	local f="$cache/$1.$2.flat"
	[ -e "$f" ] || tr -s ' \n' '  ' <"$(render "$1" "$2")" >"$f"
	printf '%s' "$f"
}

# The items of every Source: line of the file, one per line (the ', ' between items, but not
# inside a quoted phrase, ends one).
claim_items() {
	awk '/^ *Source: / { sub(/^ *Source: /, ""); print }' "$1" |
		python3 -c '
import re, sys
for line in sys.stdin:
    for item in re.findall(r"(?:[^,\"]|\"[^\"]*\")+", line.strip()):
        print(item.strip())'
}

check_claims() {
	local file=$1 name words item page sec phrase text
	name=$(sed -n 's/^# //p' "$file" | head -n1)
	words=$(names_of "$file")
	while read -r item; do
		case $item in
		linux\ * | glibc\ * | systemd\ v*) continue ;;
		\<*\>)
			hdr=${item#<}; hdr=${hdr%>}
			if [ -e "/usr/include/$hdr" ]; then passed=$((passed + 1)); else
				echo "$file: Source: $item: no such header"; failed=$((failed + 1)); fi
			continue ;;
		esac
		page=${item%%(*}; sec=${item#*(}; sec=${sec%%)*}
		phrase=
		case $item in *\"*\") phrase=${item#*\"}; phrase=${phrase%\"} ;; esac
		text=$(render "$page" "$sec")
		if [ ! -s "$text" ]; then
			echo "$file: Source: $page($sec): no such man page installed"
			failed=$((failed + 1))
		elif [ -n "$phrase" ]; then
			if grep -qF -- "$(printf '%s' "$phrase" | tr -s ' ' ' ')" "$(flat "$page" "$sec")"; then
				passed=$((passed + 1))
			else
				echo "$file: Source: $page($sec) does not say \"$phrase\""
				failed=$((failed + 1))
			fi
		elif grep -qwE "$(echo $words | tr ' ' '|')" "$text"; then
			passed=$((passed + 1))
		else
			echo "$file: Source: $page($sec) does not name $name (quote what it says)"
			failed=$((failed + 1))
		fi
	done < <(claim_items "$file")
}

for f in "$@"; do check_one "$f"; check_claims "$f"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
