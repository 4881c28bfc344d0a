#!/usr/bin/env bash
# check-numbers.sh: the catalog's numbers on other systems, as `errwhy --json` prints them, must
# equal those in the headers Debian packages for those systems (scripts/deps.sh installs them).
# errno entries: the Windows columns against mingw-w64-common's errno.h and winerror.h, the
# Linux columns for alpha, mips, parisc and sparc against linux-libc-dev-*-cross's asm/errno.h.
# resolver entries: the musl column against musl-dev's netdb.h (with _GNU_SOURCE), the windows
# column against the EAI_* of mingw-w64's ws2tcpip.h (WSATRY_AGAIN and the like, whose values
# winerror.h and winsock2.h give). A name the header lacks must read `-` (null in the JSON).
# The Darwin and BSD columns have no Debian package; catalog/README.md names the headers they
# were read from. Signals: check-signal-numbers.sh.
# Usage: check-numbers.sh ERRWHY
set -eu
errwhy=$1
"$errwhy" --list --json | python3 -c '
import json, re, subprocess, sys

MINGW = "/usr/share/mingw-w64/include/"

def cpp_macros(include_dir, header, prefix, defines=()):
    out = subprocess.run(["cpp", "-nostdinc", "-dM", "-I", include_dir]
                         + ["-D" + d for d in defines],
                         input="#include <%s>\n" % header, capture_output=True, text=True,
                         check=True).stdout
    raw = dict(re.findall(r"^#define (%s[A-Z0-9_]+) (\S+)$" % prefix, out, re.M))
    def value(name, depth=0):
        v = raw.get(name)
        if v is None or depth > 4:
            return None
        v = v.strip("()")
        return int(v) if re.fullmatch(r"-?\d+", v) else value(v, depth + 1)
    return {name: value(name) for name in raw}

def mingw():
    crt = dict(re.findall(r"#define\s+(E[A-Z0-9]+)\s+(\w+)", open(MINGW + "errno.h").read()))
    def value(name, depth=0):
        v = crt.get(name)
        if v is None or depth > 4:
            return None
        return int(v) if v.isdigit() else value(v, depth + 1)
    text = open(MINGW + "winerror.h").read()
    base = int(re.search(r"#define\s+WSABASEERR\s+(\d+)", text).group(1))
    wsa = {m[0]: base + int(m[1])
           for m in re.findall(r"#define\s+WSA(E[A-Z0-9]+)\s+\(WSABASEERR\s*\+\s*(\d+)\)", text)}
    return {n: value(n) for n in crt}, wsa

def mingw_eai():
    # ws2tcpip.h defines each EAI_* as a Windows Sockets or Windows error code (EAI_AGAIN is
    # WSATRY_AGAIN, (WSABASEERR + 1002)); the object-like macros of the three headers, the
    # first definition of each name, expanded until a sum of numbers is left.
    macros = {}
    for h in ("ws2tcpip.h", "winsock2.h", "winerror.h"):
        text = re.sub(r"/\*.*?\*/", "", open(MINGW + h).read(), flags=re.S)
        for name, body in re.findall(r"^\s*#\s*define\s+(\w+)[ \t]+([^\n]+)$", text, re.M):
            macros.setdefault(name, body.strip())
    def value(expr, depth=0):
        if depth > 8:
            return None
        expr = re.sub(r"__MSABI_LONG\s*\(([^()]*)\)", r"\1", expr)
        expr = re.sub(r"\b(\d+)[lLuU]*\b", r"\1", expr)
        for ident in set(re.findall(r"[A-Za-z_]\w*", expr)):
            if ident not in macros:
                return None
            sub = value(macros[ident], depth + 1)
            if sub is None:
                return None
            expr = re.sub(r"\b%s\b" % ident, "(%d)" % sub, expr)
        if not re.fullmatch(r"[\d\s()+-]+", expr):
            return None
        return eval(expr)
    return {n: value(macros[n]) for n in macros if n.startswith("EAI_")}

arches = {"linux_alpha": "alpha-linux-gnu", "linux_mips": "mips-linux-gnu",
          "linux_parisc": "hppa-linux-gnu", "linux_sparc": "sparc64-linux-gnu"}
truth = {"errno": {col: cpp_macros("/usr/%s/include" % d, "asm/errno.h", "E")
                   for col, d in arches.items()},
         "resolver": {"musl": cpp_macros("/usr/include/x86_64-linux-musl", "netdb.h", "EAI_",
                                         ["_GNU_SOURCE"]),
                      "windows": mingw_eai()}}
truth["errno"]["windows_crt"], truth["errno"]["windows_wsa"] = mingw()
for family, tables in truth.items():
    for col, table in tables.items():
        if not any(v is not None for v in table.values()):
            sys.exit("check-numbers.sh: no %s numbers read for the %s column" % (family, col))

checked = wrong = 0
for e in json.load(sys.stdin):
    family = e.get("family", "errno")
    if family not in truth:
        continue
    rows = [(e["name"], e["numbers"])] + list(e["alias_numbers"].items())
    for name, numbers in rows:
        for col, table in truth[family].items():
            want = table.get(name)
            # Linux headers define no ENOTSUP: glibc makes it EOPNOTSUPP on every CPU.
            if want is None and col.startswith("linux_") and name != e["name"]:
                want = table.get(e["name"])
            checked += 1
            have = numbers.get(col, "no such column")
            if have != want:
                wrong += 1
                print("%s %s: catalog has %s, the header %s" % (name, col, have, want))
print("%d passed, %d failed" % (checked - wrong, wrong))
sys.exit(1 if wrong else 0)
'
