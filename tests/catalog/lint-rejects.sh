#!/usr/bin/env bash
# lint-rejects.sh: the catalog compiler must reject malformed entries with `file:line: message`.
# Each case writes one broken entry and names the message (and line) it must produce.
# Usage: lint-rejects.sh CATALOGC
catalogc=$1
n=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A well-formed entry; cases break one thing in it with sed.
good() {
	cat <<'EOT'
# EPERM

> Operation Not Permitted

- category: process
- common: no

## What this means

A paragraph.

## Why it happens

1. One.
   Source: kill(2)
2. Two.
   Source: kill(2) "sufficient privileges"

## How to reproduce

```sh unchecked: a test entry
kill -0 1
```

## Built-in reproduction

Not reproduced: a test entry.

## Fix: Ask for it

When: now.

```sh
sudo kill -0 1
```

Why: so.

## Numbers on other systems

| name  | darwin | freebsd | openbsd | windows_wsa | windows_crt | linux_alpha | linux_mips | linux_parisc | linux_sparc |
|-------|--------|---------|---------|-------------|-------------|-------------|------------|--------------|-------------|
| EPERM | 1      | 1       | 1       | -           | 1           | 1           | 1          | 1            | 1           |

## Sources

- kill(2)
- errno(3)
EOT
}

# case DESCRIPTION EXPECTED-MESSAGE SED-SCRIPT [FILE-NAME]
case_() {
	local what=$1 expected=$2 script=$3 name=${4:-EPERM}
	rm -rf "$tmp/cat" && mkdir -p "$tmp/cat/errno"
	good | sed "$script" >"$tmp/cat/errno/$name.md"
	n=$((n + 1))
	if "$catalogc" --lint --partial "$tmp/cat" 2>"$tmp/err" >/dev/null; then
		echo "not ok $n - $what: accepted"
		failed=$((failed + 1))
	elif grep -qF -- "$expected" "$tmp/err"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what: expected '$expected', got:"
		sed 's/^/#   /' "$tmp/err"
		failed=$((failed + 1))
	fi
}

# The untouched entry passes.
rm -rf "$tmp/cat" && mkdir -p "$tmp/cat/errno" && good >"$tmp/cat/errno/EPERM.md"
n=$((n + 1))
if "$catalogc" --lint --partial "$tmp/cat" >/dev/null 2>"$tmp/err"; then echo "ok $n - a good entry passes"
else echo "not ok $n - a good entry passes"; sed 's/^/#   /' "$tmp/err"; failed=$((failed + 1)); fi

case_ "unknown category" "EPERM.md:5: unknown category 'weird'" 's/category: process/category: weird/'
case_ "name differs from file" "does not match the file name" 's/^# EPERM/# ENOENT/'
case_ "not an errno of this system" "ENOTANERROR is not an errno name on this system" 's/^# EPERM/# ENOTANERROR/;s/| EPERM /| ENOTANERROR /' ENOTANERROR
case_ "an alias as its own entry" "EWOULDBLOCK is another name for EAGAIN" 's/^# EPERM/# EWOULDBLOCK/;s/| EPERM /| EWOULDBLOCK /' EWOULDBLOCK
case_ "missing alias line" "add '- aliases: EWOULDBLOCK'" 's/^# EPERM/# EAGAIN/;s/| EPERM /| EAGAIN /' EAGAIN
case_ "causes out of sequence" "EPERM.md:16: causes must be numbered" 's/^2\. Two/3. Two/'
case_ "sections out of order" "out of order" '/^## Why it happens/,/^2\. Two\./d;/^## Sources/i ## Why it happens\n\n1. One.\n'
case_ "unknown section" "unknown section 'Trivia'" 's/^## Why it happens/## Trivia/'
case_ "bad source" "'kill 2' is neither" 's/^- kill(2)/- kill 2/'
case_ "bad number" "darwin: 'x1' is neither a number nor '-'" 's/| EPERM | 1  /| EPERM | x1 /'
case_ "wrong column" "must be 'freebsd'" 's/| freebsd |/| netbsd  |/'
case_ "tab character" "EPERM.md:10: tab character" 's/^A paragraph\./A\tparagraph./'
case_ "trailing space" "EPERM.md:10: trailing space" 's/^A paragraph\./A paragraph. /'
case_ "long title" "longer than 60" 's/^> .*/> Operation Not Permitted And Then Some Words To Make It Very Long Indeed/'
case_ "Source: not a source" "Source: cannot read 'kill 2'" 's/^1\. One\./1. One.\n   Source: kill 2/'
case_ "Source: phrase not closed" "Source: cannot read 'kill(2) \"no end'" 's/^1\. One\./1. One.\n   Source: kill(2) "no end/'
case_ "Source: no kernel folder" "cannot read 'linux v6.1 weird/x.c'" 's/^1\. One\./1. One.\n   Source: kill(2), linux v6.1 weird\/x.c/'
case_ "Source: no version" "cannot read 'linux fs/namei.c'" 's/^1\. One\./1. One.\n   Source: linux fs\/namei.c/'
case_ "Source: not last" "Source: is the last line of its cause" 's/^1\. One\./1. One.\n   Source: kill(2)\n   more/'
case_ "Source: twice" "a cause has one Source: line" 's/^1\. One\./1. One.\n   Source: kill(2)\n   Source: kill(2)/'
case_ "not returned, yet reproduced" "'returned: no' contradicts a reproduction" 's/^- common: no/- common: no\n- returned: no/;/^## Numbers/i ## How to reproduce\n\n```sh\ntrue\n```\n\n```output\nx\n```\n'
case_ "If you see it, yet returned" "'If you see it' belongs to entries with 'returned: no'" '/^## Numbers/i ## If you see it\n\nSo.\n'
case_ "family: on a pattern" "'family:' belongs to form: items" '/^## Numbers/i ## Messages\n\n- pattern: operation refused\n  family: signal\n  ecosystem: X\n  example: operation refused here\n  source: https://example.com/x\n'
case_ "Call: without code" "'Call:' is followed by the reproduction's" '/^## Numbers/i ## Built-in reproduction\n\nCall: kill() of nothing\n'
case_ "Built-in reproduction empty" "'Built-in reproduction' holds" '/^## Numbers/i ## Built-in reproduction\n\nMaybe later.\n'
case_ "unknown trigger mode" "a trigger is \`\`\`sh, \`\`\`sh root" 's/^```sh unchecked: a test entry/```sh maybe/'
case_ "cause without Source" "cause 2 has no 'Source:' line" '/^   Source: kill(2) "sufficient/d'
case_ "C fix without check" "a fix with C code needs a" '/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n```c\nint f(void);\n```\n\nWhy: so.\n'
case_ "no built-in reproduction" "incomplete: an entry needs meaning" '/^## Built-in reproduction/,/^Not reproduced/d'
case_ "not returned, no If you see it" "incomplete: an entry with 'returned: no' needs" 's/^- common: no/- common: no\n- returned: no/;/^## How to reproduce/,/^## Numbers/{/^## Numbers/!d}'
case_ "unchecked with output" "an unchecked trigger has no" '/^## Built-in/i ```output\nx\n```\n'
case_ "two checks" "a fix has one check block" '/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n```c\nint f(void);\n```\n\n```c check\nint main(void) { return 0; }\n```\n\n```sh check\ntrue\n```\n\nWhy: so.\n'
case_ "code after Why" "after 'Why:' only a check block may follow" '/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n```sh\ntrue\n```\n\nWhy: so.\n\n```sh\ntrue\n```\n'
case_ "unclosed code block" "code block is not closed" '/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n```sh\necho\n'
case_ "fix without Why" "a fix ends with a 'Why: ' paragraph" '/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n```sh\necho\n```\n'
case_ "fix in python first" "the first code block of a fix must be" '/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n```python\npass\n```\n\nWhy: so.\n'
case_ "reproduction without output" "needs a \`\`\`sh block followed by an \`\`\`output block" 's/^```sh unchecked: a test entry/```sh/'
case_ "empty cause" "an empty list item" 's/^2\. Two\./2. /'
case_ "category twice" "category is given twice" 's/^- common: no/- category: file\n- common: no/'
case_ "meaning twice" "out of order or repeated" '/^## Why it happens/i ## What this means\n\nAgain.\n'
case_ "missing meaning" "missing section 'What this means'" '/^## What this means/,/^A paragraph\./d'

# Code lines are set in by 4 columns on the page: 76 columns is the most that fits 80.
long77=$(printf 'x%.0s' $(seq 77))
long83=$(printf 'y%.0s' $(seq 83))
case_ "code line too wide" "EPERM.md:44: code line is 77 columns wide; at most 76 fit an 80-column terminal" \
	"/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n\`\`\`sh\n$long77\n\`\`\`\n\nWhy: so.\n"
case_ "output line too wide" "EPERM.md:26: code line is 83 columns wide" \
	"s/^\`\`\`sh unchecked: a test entry/\`\`\`sh/;/^## Built-in/i \`\`\`output\n$long83\n\`\`\`\n"

# Width counts characters, not bytes: 76 two-byte characters still fit.
wide76=$(printf '\303\251%.0s' $(seq 76))
rm -rf "$tmp/cat" && mkdir -p "$tmp/cat/errno"
good | sed "/^## Numbers/i ## Fix: Do it\n\nWhen: now.\n\n\`\`\`sh\n$wide76\n\`\`\`\n\nWhy: so.\n" >"$tmp/cat/errno/EPERM.md"
n=$((n + 1))
if "$catalogc" --lint --partial "$tmp/cat" >/dev/null 2>"$tmp/err"; then echo "ok $n - 76 UTF-8 characters fit"
else echo "not ok $n - 76 UTF-8 characters fit"; sed 's/^/#   /' "$tmp/err"; failed=$((failed + 1)); fi

echo "1..$n"
[ "$failed" = 0 ]
