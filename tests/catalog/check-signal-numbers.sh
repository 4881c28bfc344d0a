#!/usr/bin/env bash
# check-signal-numbers.sh: the numbers tables of catalog/signal, read from the entries
# themselves (not from errwhy, so the check holds while the renderers catch up).
# - linux_alpha, linux_mips, linux_parisc, linux_sparc: every row's number must be the one the
#   CPU's asm/signal.h from Debian's linux-libc-dev-*-cross gives the row's name, and `-` must
#   mean that header does not define the name. A header that defines a name only through a
#   macro it leaves undefined (SIGRTMAX as _NSIG on alpha and parisc) cannot check the number:
#   such a cell is listed with "not checked".
# - x86_64: every row's name must be a signal here, with one number in glibc's <signal.h>
#   (cpp -dM) and in bash's `kill -l` (the only source for SIGRTMIN and SIGRTMAX, which glibc
#   computes at run time); an alias must have its entry's number; every name `kill -l` prints,
#   and every signal <signal.h> defines, must be an entry or an alias. Where the kernel's own
#   x86_64 header (the kind the linux_* columns come from) gives a name another number than
#   glibc, a note says so: those columns hold the kernel's number, errwhy's Linux one glibc's.
# Every table must have a row for its entry and one for each alias, and no other.
# Usage: check-signal-numbers.sh CATALOG_DIR   (the catalog/signal folder, or catalog/ above it)
set -eu
dir=${1:?usage: check-signal-numbers.sh CATALOG_DIR}
[ -d "$dir/signal" ] && dir=$dir/signal
if ! compgen -G "$dir/SIG*.md" >/dev/null; then
    echo "1..0 # SKIP no signal entries in $dir (catalog/signal not written yet)"
    exit 77
fi
# NAME NUMBER for every signal name bash's kill knows, SIGRTMIN+n and SIGRTMAX-n left out
killtab=$(for n in $(seq 1 64); do
    if ! name=$(kill -l "$n" 2>/dev/null) || [ -z "$name" ]; then
        continue
    fi
    case $name in *[+-]*) continue ;; esac
    echo "SIG$name $n"
done)
[ -n "$killtab" ] || { echo "check-signal-numbers.sh: kill -l printed no signals" >&2; exit 2; }
KILLTAB=$killtab python3 - "$dir" <<'EOF'
import glob, os, re, subprocess, sys

def macros(header, include_dir=None):
    """NAME -> number (None when the header's macro chain ends in an undefined name) for every
    SIG* macro that `#include <header>` defines."""
    cmd = ["cpp", "-dM"] + (["-nostdinc", "-I", include_dir] if include_dir else [])
    out = subprocess.run(cmd, input="#include <%s>\n" % header, capture_output=True, text=True,
                         check=True).stdout
    raw = dict(re.findall(r"^#define (\w+) (.+)$", out, re.M))
    def value(v, depth=0):
        v = v.strip()
        while v.startswith("(") and v.endswith(")"):
            v = v[1:-1].strip()
        if re.fullmatch(r"\d+", v):
            return int(v)
        if depth > 6 or v not in raw:
            return None
        return value(raw[v], depth + 1)
    return {n: value(raw[n]) for n in raw if re.fullmatch(r"SIG[A-Z0-9]+", n)}

arches = {"linux_alpha": "alpha-linux-gnu", "linux_mips": "mips-linux-gnu",
          "linux_parisc": "hppa-linux-gnu", "linux_sparc": "sparc64-linux-gnu"}
headers = {}
for col, triplet in arches.items():
    inc = "/usr/%s/include" % triplet
    if not os.path.exists(inc + "/asm/signal.h"):
        sys.exit("check-signal-numbers.sh: no %s/asm/signal.h (linux-libc-dev-*-cross)" % inc)
    headers[col] = macros("asm/signal.h", inc)
glibc = {n: v for n, v in macros("signal.h").items() if v is None or 1 <= v <= 64}
kernel_x86 = macros("asm/signal.h")
kill = {}
for line in os.environ["KILLTAB"].splitlines():
    name, n = line.split()
    kill.setdefault(name, int(n))
for name in ("SIGRTMIN", "SIGRTMAX"):
    out = subprocess.run(["bash", "-c", 'kill -l "$1"', "-", name], capture_output=True,
                         text=True)
    if out.returncode == 0 and out.stdout.strip().isdigit():
        kill[name] = int(out.stdout.strip())

passed = failed = unchecked = 0
def result(ok, message):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(message)

def x86(name):
    """The signal's number on this machine: bash's kill -l, with glibc's header agreeing."""
    return kill.get(name, glibc.get(name))

known = set()
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.md"))):
    entry = os.path.basename(path)[:-3]
    text = open(path).read()
    head = text.split("\n## ", 1)[0]
    m = re.search(r"^- aliases:(.*)$", head, re.M)
    aliases = m.group(1).split() if m else []
    aliases = [a.strip(",") for a in aliases]
    known.update([entry] + aliases)
    m = re.search(r"^## Numbers on other systems\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not m:
        result(False, "%s: %s has no \"Numbers on other systems\" table" % (entry, path))
        continue
    lines = [l for l in m.group(1).splitlines() if l.startswith("|")]
    cells = [[c.strip() for c in l.strip().strip("|").split("|")] for l in lines]
    cells = [c for c in cells if not all(re.fullmatch(r":?-+:?", x) for x in c)]
    if not cells or cells[0][0] != "name":
        result(False, "%s: the numbers table has no `| name |` header row" % entry)
        continue
    columns, rows = cells[0], cells[1:]
    for col in arches:
        result(col in columns, "%s: the numbers table has no %s column" % (entry, col))
    seen = []
    for row in rows:
        name = row[0]
        seen.append(name)
        if len(row) != len(columns):
            result(False, "%s: row %s has %d cells, the header %d" % (entry, name, len(row),
                                                                          len(columns)))
            continue
        for col in arches:
            if col not in columns:
                continue
            cell = row[columns.index(col)]
            if cell != "-" and not cell.isdigit():
                result(False, "%s %s: catalog has '%s', neither a number nor -" % (name, col, cell))
                continue
            have = None if cell == "-" else int(cell)
            table = headers[col]
            if name in table and table[name] is None:
                unchecked += 1
                print("# not checked: %s %s: the header defines it through a macro it leaves "
                      "undefined (catalog has %s)" % (name, col, cell))
                continue
            want = table.get(name)
            result(have == want, "%s %s: catalog has %s, %s/include/asm/signal.h %s"
                   % (name, col, cell, "/usr/" + arches[col],
                      want if want is not None else "does not define it"))
        # x86_64: the name is a signal here, glibc's header and kill -l agree on its number
        k, g = kill.get(name), glibc.get(name)
        result(k is not None or g is not None,
               "%s: not a signal on this machine (neither kill -l nor <signal.h> knows it)" % name)
        if k is not None and g is not None:
            result(k == g, "%s: kill -l says %d, <signal.h> %d" % (name, k, g))
        if name != entry and x86(name) is not None and x86(entry) is not None:
            result(x86(name) == x86(entry), "%s: alias %s is %s here, the entry %s"
                   % (entry, name, x86(name), x86(entry)))
        kx = kernel_x86.get(name)
        if kx is not None and x86(name) is not None and kx != x86(name):
            print("# note: %s is %d in glibc here but %d in the kernel's x86_64 asm/signal.h; "
                  "the linux_* columns hold the kernel's numbers" % (name, x86(name), kx))
    for name in [entry] + aliases:
        result(name in seen, "%s: the numbers table has no row for %s" % (entry, name))
    for name in seen:
        result(name in [entry] + aliases,
               "%s: the numbers table has a row for %s, neither the entry nor an alias"
               % (entry, name))
for name in sorted(set(kill) | {n for n, v in glibc.items() if v is not None}):
    result(name in known, "%s (%s here): no entry or alias in %s" % (name, x86(name), sys.argv[1]))
if unchecked:
    print("# %d not checked" % unchecked)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
