#!/usr/bin/env bash
# scan.sh: how fast `errwhy scan` reads a big log, beside ripgrep and GNU grep searching the
# same file for every catalog name and strerror text, with `cat` and `wc -l` as the floor.
# Usage: bench/scan.sh [ERRWHY]   (default: a release build in build-bench/)
# SIZE_MB (default 1024): the log's size; RUNS (default 3): hyperfine runs after one warm-up.
set -eu
cd "$(dirname "$0")/.."
errwhy=${1:-}
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
if [ -z "$errwhy" ]; then
	[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
	ninja -C build-bench src/errwhy >/dev/null
	errwhy=$PWD/build-bench/src/errwhy
fi
for tool in hyperfine rg grep python3; do
	command -v "$tool" >/dev/null || { echo "scan.sh: needs $tool (scripts/deps.sh)" >&2; exit 2; }
done
# The log is big: it lives in a temporary directory that goes whatever happens.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log=$out/app.log

echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $(rg --version | sed -n 1p), $(grep --version | sed -n 1p), $(hyperfine --version)"
echo "locale: LANG=${LANG:-} LC_ALL=${LC_ALL:-}"

# The log: a deterministic mix of the lines a server writes (nginx access, syslog, journald,
# application lines, JSON, Java stack frames), with a real error line about every 2,000
# lines. A 64 MiB part is generated (seeded) and repeated to SIZE_MB; each copy has its own
# line numbers, and the matchers keep no state across it.
python3 - "$log.part" <<'PY'
import random, sys
rnd = random.Random(11)
paths = ["/", "/index.html", "/api/v1/users", "/api/v1/orders/%d", "/static/app.%x.js",
         "/healthz", "/login", "/search?q=%s", "/img/logo.png", "/favicon.ico"]
agents = ["Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
          "curl/7.88.1", "Go-http-client/1.1", "kube-probe/1.28",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15"]
words = ["order", "user", "cache", "session", "invoice", "payment", "report", "queue", "token"]
levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "INFO"]
hosts = ["web-1", "web-2", "db-1", "worker-3"]
units = ["systemd[1]", "sshd[%d]", "CRON[%d]", "kernel", "dockerd[%d]", "containerd[%d]"]
java = ["at com.example.shop.OrderService.place(OrderService.java:%d)",
        "at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:%d)",
        "at java.base/java.lang.Thread.run(Thread.java:%d)",
        "at jdk.internal.reflect.GeneratedMethodAccessor%d.invoke(Unknown Source)"]
errors = [
    "Error: listen EADDRINUSE: address already in use :::%d",
    "FileNotFoundError: [Errno 2] No such file or directory: '/etc/app/conf%d.yaml'",
    "dial tcp 10.0.3.%d:5432: connect: connection refused",
    "nginx: [emerg] bind() to 0.0.0.0:%d failed (98: Address already in use)",
    "accept4() failed (24: Too many open files) while accepting connection %d",
    "thread 'main' panicked at src/main.rs:%d:10: Os { code: 13, kind: PermissionDenied, message: \"Permission denied\" }",
    "open /var/lib/app/data%d.db: permission denied",
    "java.net.ConnectException: Connection refused (Connection refused) on attempt %d",
    "write(%d, ...) = -1 EPIPE (Broken pipe)",
    "psql: error: connection to server at \"db\" (10.0.0.%d), port 5432 failed: Connection timed out",
]

def ts(i):
    s = 1764633600 + i // 7
    return s

def line(i):
    if rnd.randrange(2000) == 0:
        return "2026-12-01T%02d:%02d:%02d.%03dZ ERROR %s" % (
            (i // 36000) % 24, (i // 600) % 60, (i // 10) % 60, i % 1000,
            rnd.choice(errors) % rnd.randrange(1, 65000))
    k = rnd.randrange(100)
    t = ts(i)
    hh, mm, ss = (t // 3600) % 24, (t // 60) % 60, t % 60
    if k < 35:
        p = rnd.choice(paths)
        if "%d" in p: p = p % rnd.randrange(1, 10**6)
        elif "%x" in p: p = p % rnd.getrandbits(32)
        elif "%s" in p: p = p % rnd.choice(words)
        return '10.%d.%d.%d - - [01/Dec/2026:%02d:%02d:%02d +0000] "%s %s HTTP/1.1" %d %d "-" "%s"' % (
            rnd.randrange(256), rnd.randrange(256), rnd.randrange(256), hh, mm, ss,
            rnd.choice(["GET", "GET", "GET", "POST", "PUT"]), p,
            rnd.choice([200, 200, 200, 304, 301, 404, 500]), rnd.randrange(100, 90000),
            rnd.choice(agents))
    if k < 55:
        u = rnd.choice(units)
        if "%d" in u: u = u % rnd.randrange(100, 40000)
        return "Dec  1 %02d:%02d:%02d %s %s: %s" % (hh, mm, ss, rnd.choice(hosts), u, rnd.choice([
            "Started Session %d of user app." % rnd.randrange(10**5),
            "Accepted publickey for deploy from 192.168.1.%d port %d ssh2" % (rnd.randrange(256), rnd.randrange(1024, 65535)),
            "(root) CMD (run-parts /etc/cron.hourly)",
            "container %x exited with code 0" % rnd.getrandbits(48),
            "eth0: link up, 1000 Mbps, full duplex"]))
    if k < 80:
        return "2026-12-01 %02d:%02d:%02d,%03d %-5s [%s-%d] c.e.%s.%sService - %s %d processed in %d ms" % (
            hh, mm, ss, rnd.randrange(1000), rnd.choice(levels), rnd.choice(["http-nio", "pool", "main"]),
            rnd.randrange(64), rnd.choice(words), rnd.choice(words).capitalize(), rnd.choice(words),
            rnd.randrange(10**7), rnd.randrange(1, 3000))
    if k < 93:
        return ('{"time":"2026-12-01T%02d:%02d:%02d.%06dZ","level":"%s","msg":"%s %s","request_id":"%032x",'
                '"duration_ms":%d,"status":%d}') % (hh, mm, ss, rnd.randrange(10**6),
                rnd.choice(levels).lower(), rnd.choice(words), rnd.choice(["created", "updated", "fetched"]),
                rnd.getrandbits(128), rnd.randrange(1, 5000), rnd.choice([200, 201, 204, 404]))
    return "\t" + rnd.choice(java) % rnd.randrange(1, 900)

target = 64 * 1024 * 1024
with open(sys.argv[1], "w") as f:
    n, i, buf = 0, 0, []
    while n < target:
        s = line(i) + "\n"
        buf.append(s)
        n += len(s)
        i += 1
        if len(buf) == 4096:
            f.write("".join(buf)); buf = []
    f.write("".join(buf))
PY
copies=$(( (size_mb + 63) / 64 ))
for _ in $(seq "$copies"); do cat "$log.part"; done >"$log"
rm -f "$log.part"
bytes=$(stat -c %s "$log")
echo "log: $bytes bytes, $(wc -l <"$log") lines, $(grep -c ' ERROR ' "$log") error lines"

# The patterns of the baseline: every catalog name (entries and aliases) and strerror text.
"$errwhy" --list >"$out/list"
python3 - "$out/list" >"$out/patterns" <<'PY'
import sys
seen = []
for raw in open(sys.argv[1], encoding="utf-8", errors="replace"):
    parts = raw.rstrip("\n").split(None, 2)
    if not parts:
        continue
    for p in (parts[0], parts[2] if len(parts) > 2 else ""):
        p = p.strip()
        if p and p not in seen:
            seen.append(p)
print("\n".join(seen))
PY
echo "patterns: $(wc -l <"$out/patterns") lines (names and texts of errwhy --list)"
echo

# GNU grep (and rg) stop at the first match when their output is /dev/null: every command
# writes to a file in the temporary directory through sh -c, so all do the whole job.
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/r.json" \
	-n errwhy "sh -c '$errwhy scan $log > $out/o-errwhy'" \
	-n rg "sh -c 'rg -c -i -F -f $out/patterns $log > $out/o-rg'" \
	-n grep "sh -c 'grep -c -i -F -f $out/patterns $log > $out/o-grep'" \
	-n cat "sh -c 'cat $log > /dev/null'" \
	-n wc-l "sh -c 'wc -l $log > $out/o-wc'" 2>&1 | sed 's/^/  /'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rg counted $(cat "$out/o-rg") lines, grep $(cat "$out/o-grep"); errwhy's summary:"
head -20 "$out/o-errwhy" | sed 's/^/  /'

python3 - "$out/r.json" "$bytes" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
print("\n%-8s %10s %10s %10s" % ("command", "median s", "min s", "GB/s"))
for name in ("errwhy", "rg", "grep", "cat", "wc-l"):
    x = r[name]
    print("%-8s %10.3f %10.3f %10.2f" % (name, x["median"], x["min"], n / x["median"] / 1e9))
e = r["errwhy"]["median"]
print("\nerrwhy/rg %.2f, errwhy/grep %.2f (time ratios, medians)" % (e / r["rg"]["median"], e / r["grep"]["median"]))
print("targets: errwhy at least 1 GB/s, errwhy/rg at most 1.00")
PY
