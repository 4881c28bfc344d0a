#!/usr/bin/env bash
# check-numbers.sh: the catalog's numbers for Windows and for Linux on alpha, mips, parisc and
# sparc must equal those in the headers Debian packages for them (mingw-w64-common and the
# linux-libc-dev-*-cross packages, which scripts/deps.sh installs). The Darwin and BSD columns
# have no Debian package; catalog/README.md names the headers they were read from.
# Usage: check-numbers.sh ERRWHY
set -eu
errwhy=$1
"$errwhy" --list --json | python3 -c '
import json, re, subprocess, sys

def cpp_macros(include_dir, header):
    out = subprocess.run(["cpp", "-nostdinc", "-dM", "-I", include_dir],
                         input="#include <%s>\n" % header, capture_output=True, text=True,
                         check=True).stdout
    raw = dict(re.findall(r"^#define (E[A-Z0-9]+) (\S+)$", out, re.M))
    def value(name, depth=0):
        v = raw.get(name)
        if v is None or depth > 4:
            return None
        return int(v) if v.isdigit() else value(v, depth + 1)
    return {name: value(name) for name in raw}

def mingw():
    crt = dict(re.findall(r"#define\s+(E[A-Z0-9]+)\s+(\w+)",
                          open("/usr/share/mingw-w64/include/errno.h").read()))
    def value(name, depth=0):
        v = crt.get(name)
        if v is None or depth > 4:
            return None
        return int(v) if v.isdigit() else value(v, depth + 1)
    text = open("/usr/share/mingw-w64/include/winerror.h").read()
    base = int(re.search(r"#define\s+WSABASEERR\s+(\d+)", text).group(1))
    wsa = {m[0]: base + int(m[1])
           for m in re.findall(r"#define\s+WSA(E[A-Z0-9]+)\s+\(WSABASEERR\s*\+\s*(\d+)\)", text)}
    return {n: value(n) for n in crt}, wsa

arches = {"linux_alpha": "alpha-linux-gnu", "linux_mips": "mips-linux-gnu",
          "linux_parisc": "hppa-linux-gnu", "linux_sparc": "sparc64-linux-gnu"}
truth = {col: cpp_macros("/usr/%s/include" % d, "asm/errno.h") for col, d in arches.items()}
truth["windows_crt"], truth["windows_wsa"] = mingw()

checked = wrong = 0
for e in json.load(sys.stdin):
    rows = [(e["name"], e["numbers"])] + list(e["alias_numbers"].items())
    for name, numbers in rows:
        for col, table in truth.items():
            want = table.get(name)
            # Linux headers define no ENOTSUP: glibc makes it EOPNOTSUPP on every CPU.
            if want is None and col.startswith("linux_") and name != e["name"]:
                want = table.get(e["name"])
            checked += 1
            if numbers[col] != want:
                wrong += 1
                print("%s %s: catalog has %s, the header %s" % (name, col, numbers[col], want))
print("%d passed, %d failed" % (checked - wrong, wrong))
sys.exit(1 if wrong else 0)
'
