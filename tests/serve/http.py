#!/usr/bin/env python3
"""http.py: errwhy serve over real HTTP on loopback: every page of every family, redirects
within a family, search and the JSON API, validators and gzip, HEAD, 404 and 405, the
security headers, XSS and traversal, oversized and slow requests, a busy port, and shutdown
by signal. TAP output.
Usage: http.py ERRWHY. Servers listen on 127.0.0.1 port 0 and are stopped by their pid."""
import gzip
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import sys
import threading
import time
import urllib.parse

ERRWHY = sys.argv[1]
# The server errwhy runs: in the build tree's web/, beside errwhy's src/.
SERVER = os.path.join(os.path.dirname(os.path.abspath(ERRWHY)), "..", "web", "errwhy-serve")
HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
n_tests = 0
failed = 0


def ok(cond, name, detail=""):
    global n_tests, failed
    n_tests += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n_tests, name))
    if not cond and detail:
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)
    sys.stdout.flush()


def skip(name, why):
    global n_tests
    n_tests += 1
    print("ok %d - %s # SKIP %s" % (n_tests, name, why))


class Server:
    """errwhy serve on 127.0.0.1:0; the port is read from its start-up line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([ERRWHY, "serve", "--listen", "127.0.0.1:0"] + list(args),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.lines = []
        self.ready = threading.Event()
        self.port = None
        threading.Thread(target=self._read, daemon=True).start()
        # Generous: under ASan on a busy machine building every page takes a while.
        if not self.ready.wait(300) or self.port is None:
            self.stop()
            raise RuntimeError("no start-up line: %r" % self.lines)

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            m = re.match(r"errwhy serve: http://127\.0\.0\.1:(\d+)/ \((\d+) pages; Ctrl-C stops\)",
                         line)
            if m:
                self.port = int(m.group(1))
                self.pages = int(m.group(2))
                self.ready.set()
        self.ready.set()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(300)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def request(port, target, method="GET", headers=None, body=b"", source="127.0.0.1",
            raw=None):
    """One request on its own connection; (status, {lowercase name: value}, body)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=120,
                                 source_address=(source, 0))
    try:
        if raw is None:
            lines = ["%s %s HTTP/1.1" % (method, target), "Host: 127.0.0.1",
                     "Connection: close"]
            for k, v in (headers or {}).items():
                lines.append("%s: %s" % (k, v))
            if body:
                lines.append("Content-Length: %d" % len(body))
            raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        s.sendall(raw)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0]) if lines and lines[0] else None
    if not m:
        return None, {}, data
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return int(m.group(1)), hdrs, rest


def get(port, target, **kw):
    return request(port, target, **kw)


def security_ok(hdrs):
    return all(hdrs.get(k) == v for k, v in HEADERS.items())


def names():
    out = subprocess.run([ERRWHY, "-l"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def test_pages(port, srv):
    st, h, body = get(port, "/")
    ok(st == 200 and h.get("content-type") == "text/html; charset=utf-8", "/ is HTML", (st, h))
    st, h, body = get(port, "/api/v1/errors")
    ok(st == 200 and h.get("content-type", "").startswith("application/json"),
       "/api/v1/errors is JSON", (st, h))
    lst = json.loads(body)
    all_names = names()
    # Each name's family: an alias is in its entry's (SIGIO is a signal's).
    family = {}
    for e in lst.get("errors", []):
        for n in [e.get("id")] + e.get("aliases", []):
            family[n] = e.get("family")
    aliases = {a for e in lst.get("errors", []) for a in e.get("aliases", [])}
    entries = [n for n in all_names if n not in aliases]
    ok(lst.get("count") == len(lst.get("errors", [])) == len(entries),
       "the list counts every entry", (lst.get("count"), len(entries)))
    fams = sorted({e.get("family") for e in lst.get("errors", [])})
    ok(fams == ["errno", "exit", "kernel", "resolver", "signal"] and
       all("family" in e for e in lst.get("errors", [])),
       "the list has every family, each item its \"family\"", fams)
    missing = []
    for name in all_names:
        path = "/%s/%s" % (family.get(name, "errno"), name)
        st, h, b = get(port, path)
        if name in aliases and st == 301:  # an alias: its entry's page, in the same family
            loc = h.get("location", "/none")
            if not loc.startswith("/%s/" % family.get(name)):
                missing.append((name, loc))
            st, h, b = get(port, loc)
        if st != 200 or h.get("content-type") != "text/html; charset=utf-8" or not b:
            missing.append((name, path, st))
    ok(not missing, "every name of errwhy -l (%d) has its page at /FAMILY/NAME" %
       len(all_names), missing)
    missing = []
    for name in entries:
        st, h, b = get(port, "/api/v1/errors/" + name)
        if st != 200 or not is_entry(json.loads(b), name):
            missing.append((name, st))
    ok(not missing, "every entry (%d) has /api/v1/errors/NAME" % len(entries), missing)
    st, h, index = get(port, "/")
    assets = sorted(set(re.findall(rb'(?:href|src)="(/assets/[^"]+)"', index)))
    if not assets:
        skip("the assets the index names", "the index names none")
    for a in assets:
        st, h, b = get(port, a.decode())
        ok(st == 200 and "charset=utf-8" in h.get("content-type", "") and b,
           "asset %s" % a.decode(), (st, h))


def is_entry(j, name):
    """Whether the API's object j is the entry name: its "id" (an exit status's "name" is its
    symbol, EXIT_EXEC or SIGKILL for 137, as errwhy --json writes it)."""
    return j.get("id") == name


def test_redirects(port):
    for q, to in [("eaddrinuse", "/errno/EADDRINUSE"), ("98", "/errno/EADDRINUSE"),
                  ("-98", "/errno/EADDRINUSE"), ("0x62", "/errno/EADDRINUSE"),
                  ("EWOULDBLOCK", "/errno/EAGAIN"), ("EADDRINUSE.html", "/errno/EADDRINUSE")]:
        st, h, _ = get(port, "/errno/" + q)
        ok(st in (301, 308) and h.get("location") == to, "/errno/%s redirects to %s" % (q, to),
           (st, h.get("location")))
    st, h, _ = get(port, "/api/v1/errors/98")
    ok(st in (301, 308) and h.get("location") == "/api/v1/errors/EADDRINUSE",
       "/api/v1/errors/98 redirects", (st, h))
    st, h, b = get(port, "/favicon.ico")
    ok(st == 204 and b == b"" and security_ok(h), "/favicon.ico: 204, no icon", (st, h))
    st, h, _ = get(port, "/index.html")
    ok(st in (301, 308) and h.get("location") == "/", "/index.html redirects to /", (st, h))
    st, h, _ = get(port, "/search?q=")
    ok(st in (302, 303) and h.get("location") == "/", "an empty search goes to /", (st, h))


def test_families(port):
    """Every family has its directory; numbers, short names and symbols redirect within it."""
    st, h, b = get(port, "/signal/SIGKILL")
    ok(st == 200 and b"Who sends it" in b and b'id="who-sends-it"' in b and
       b"Default action:" in b, "/signal/SIGKILL: 200, with \"Who sends it\" and the default "
       "action", (st, b[:200]))
    st, h, b = get(port, "/exit/137")
    ok(st == 200 and b"exit status 137" in b and b'href="/signal/SIGKILL"' in b,
       "/exit/137: 200, its symbol linked to /signal/SIGKILL", (st, b[:200]))
    ok(b"numbers-on-other-systems" not in b and b"<table" not in b,
       "an exit status's page has no numbers table", b[:200])
    st, h, b = get(port, "/kernel/EPROBE_DEFER")
    ok(st == 200 and b"numbers-on-other-systems" not in b,
       "/kernel/EPROBE_DEFER: 200, no numbers table", st)
    st, h, b = get(port, "/resolver/EAI_NONAME")
    ok(st == 200 and b"numbers-on-other-systems" in b,
       "/resolver/EAI_NONAME: 200, with its numbers table", st)
    for path, to in [("/signal/9", "/signal/SIGKILL"), ("/signal/kill", "/signal/SIGKILL"),
                     ("/signal/KILL", "/signal/SIGKILL"), ("/signal/sigkill", "/signal/SIGKILL"),
                     ("/signal/SIGKILL.html", "/signal/SIGKILL"),
                     ("/signal/SIGIO", "/signal/SIGPOLL"), ("/signal/SIGIOT", "/signal/SIGABRT"),
                     ("/exit/EXIT_EXEC", "/exit/203"), ("/exit/ex_usage", "/exit/64"),
                     ("/exit/203/EXEC", "/exit/203"), ("/resolver/-2", "/resolver/EAI_NONAME"),
                     ("/resolver/eai_noname", "/resolver/EAI_NONAME"),
                     ("/kernel/517", "/kernel/EPROBE_DEFER"), ("/errno/98", "/errno/EADDRINUSE")]:
        st, h, _ = get(port, path)
        ok(st in (301, 308) and h.get("location") == to, "%s redirects to %s" % (path, to),
           (st, h.get("location")))
    for path in ["/nosuchfamily/X", "/signal/EADDRINUSE", "/errno/SIGKILL", "/exit/9999",
                 "/signal/", "/signal"]:
        st, h, b = get(port, path)
        ok(st == 404 and h.get("content-type") == "text/html; charset=utf-8",
           "%s is 404" % path, st)
    st, h, b = get(port, "/signal/SIGKIL")
    ok(st == 404 and b'href="/signal/SIGKILL"' in b, "/signal/SIGKIL suggests SIGKILL", b[-600:])
    for name in ["SIGKILL", "137", "EAI_NONAME", "EPROBE_DEFER"]:
        st, h, b = get(port, "/api/v1/errors/" + name)
        j = json.loads(b) if st == 200 else {}
        ok(is_entry(j, name), "/api/v1/errors/%s is its entry" % name, (st, b[:200]))
    st, h, index = get(port, "/")
    heads = re.findall(rb'<section class="family" id="family-([a-z]+)">\n<h2><a class="anchor" '
                       rb'href="#family-[a-z]+">([^<]+)</a>', index)
    ok([k for k, _ in heads] == [b"errno", b"signal", b"exit", b"resolver", b"kernel"],
       "the index has a section per family, errno first", heads)
    ok(b"Signals" in dict(heads).get(b"signal", b""), "each headed with its label", heads)
    ok(index.count(b'<table class="entries">') == 5, "each family has its own table",
       index.count(b"<table"))
    ok(b'<th scope="col">Status</th><th scope="col">Symbol</th><th scope="col">Title</th>'
       in index, "the exit statuses' table: status, symbol, title", "")
    ok(b'<th scope="col">Name</th><th scope="col">Number</th><th scope="col">Default action'
       b'</th>' in index, "the signals' table: name, number, default action", "")
    for link in [b'href="/signal/SIGKILL"', b'href="/exit/137"', b'href="/resolver/EAI_NONAME"',
                 b'href="/kernel/EPROBE_DEFER"', b'href="/errno/EADDRINUSE"']:
        ok(link in index, "the index links %s" % link.decode(), "")
    for text, name in [("SIGKILL", "SIGKILL"), ("137", "137"), ("EXIT_EXEC", "203")]:
        st, h, b = get(port, "/search?q=" + q(text))
        ok(st == 200 and ('href="/%s/%s"' % ("signal" if name.startswith("SIG") else "exit",
                                              name)).encode() in b,
           "search %r links its page" % text, b[:300])


def q(s):
    return urllib.parse.quote(s, safe="")


def test_search_api(port):
    node = "Error: listen EADDRINUSE: address already in use :::3000"
    for text in ["EADDRINUSE", "98", "address already in use", node]:
        st, h, b = get(port, "/search?q=" + q(text))
        ok(st == 200 and h.get("content-type") == "text/html; charset=utf-8" and
           b"EADDRINUSE" in b, "search %r finds EADDRINUSE" % text, (st, b[:300]))
    st, h, b = get(port, "/api/v1/errors/EADDRINUSE")
    cli = json.loads(subprocess.run([ERRWHY, "--json", "EADDRINUSE"], capture_output=True,
                                    check=True).stdout)
    ok(st == 200 and json.loads(b) == cli[0], "/api/v1/errors/EADDRINUSE is errwhy --json's",
       (st, b[:200]))
    st, h, b = get(port, "/api/v1/identify?text=" + q(node))
    ans = json.loads(b) if st == 200 else {}
    ok(ans.get("kind") == "message" and ans["matches"] and
       ans["matches"][0]["name"] == "EADDRINUSE", "identify reads a Node.js line", (st, b[:300]))
    st, h, b = get(port, "/api/v1/identify")
    ok(st == 400 and "error" in json.loads(b), "identify without text is 400 JSON", (st, b))
    st, h, b = get(port, "/search?q=" + "%3C" * 8192)
    ok(st == 200 and b"<<<" not in b, "the longest query, every byte escaped, is answered",
       (st, b[:200]))
    st, h, b = get(port, "/search?q=" + "x" * 9000)
    ok(st in (400, 414) and b"too long" in b, "a query over 8192 bytes is refused", (st, b[:200]))


def test_http(port):
    st, h, body = get(port, "/errno/EADDRINUSE")
    etag = h.get("etag", "")
    ok(re.fullmatch(r'"[0-9a-f]{16}"', etag) is not None, "a strong ETag", etag)
    ok(h.get("cache-control", "").startswith("public, max-age=") and
       h.get("vary") == "Accept-Encoding", "Cache-Control and Vary", h)
    st2, h2, b2 = get(port, "/errno/EADDRINUSE", headers={"If-None-Match": etag})
    ok(st2 == 304 and b2 == b"" and h2.get("etag") == etag, "If-None-Match: 304", (st2, h2))
    st2, h2, b2 = get(port, "/errno/EADDRINUSE", headers={"If-None-Match": '"0000000000000000"'})
    ok(st2 == 200, "another ETag: 200", st2)
    st3, h3, gz = get(port, "/errno/EADDRINUSE", headers={"Accept-Encoding": "gzip, br"})
    ok(st3 == 200 and h3.get("content-encoding") == "gzip" and gzip.decompress(gz) == body,
       "gzip decompresses to the page", (st3, h3))
    ok(h3.get("etag") not in ("", etag), "the gzip twin has its own ETag", h3.get("etag"))
    st4, h4, b4 = get(port, "/errno/EADDRINUSE", headers={"If-None-Match": h3.get("etag", ""),
                                                         "Accept-Encoding": "gzip"})
    ok(st4 == 304, "304 for the gzip twin's ETag", st4)
    for ae in ["gzip;q=0", "identity", "gzip;q=0, *;q=1", "*;q=0"]:
        st5, h5, b5 = get(port, "/errno/EADDRINUSE", headers={"Accept-Encoding": ae})
        ok(st5 == 200 and "content-encoding" not in h5 and b5 == body,
           "Accept-Encoding: %s gets the identity body" % ae, h5)
    st5, h5, b5 = get(port, "/errno/EADDRINUSE", headers={"Accept-Encoding": "*"})
    ok(h5.get("content-encoding") == "gzip", "Accept-Encoding: * allows gzip", h5)
    st6, h6, b6 = request(port, "/errno/EADDRINUSE", method="HEAD")
    ok(st6 == 200 and b6 == b"" and h6.get("content-length") == str(len(body)) and
       h6.get("etag") == etag and h6.get("content-type") == h.get("content-type"),
       "HEAD: no body, the same length and headers", (st6, h6, len(b6)))
    st, h, b = get(port, "/no/such/page")
    ok(st == 404 and h.get("content-type") == "text/html; charset=utf-8" and b"<" in b,
       "404 is an HTML page", (st, h))
    st, h, b = get(port, "/api/v1/nothing")
    j = json.loads(b) if st == 404 else {}
    ok(j.get("error") == "not found" and j.get("path") == "/api/v1/nothing",
       "404 under /api/ is JSON", (st, b))
    for m in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"]:
        st, h, b = request(port, "/", method=m, body=b"x=1" if m in ("POST", "PUT") else b"")
        ok(st == 405 and h.get("allow") == "GET, HEAD", "%s: 405 with Allow" % m, (st, h))


def test_security_headers(port):
    etag = get(port, "/")[1].get("etag", "")
    cases = [("200", "/", {}, "GET"), ("301", "/errno/98", {}, "GET"),
             ("304", "/", {"If-None-Match": etag}, "GET"), ("404", "/nope", {}, "GET"),
             ("405", "/", {}, "DELETE"), ("400", "/api/v1/identify", {}, "GET"),
             ("search", "/search?q=98", {}, "GET"), ("404 api", "/api/x", {}, "GET"),
             ("gzip", "/", {"Accept-Encoding": "gzip"}, "GET")]
    for name, target, hdrs, method in cases:
        st, h, _ = request(port, target, method=method, headers=hdrs)
        ok(st is not None and security_ok(h), "security headers on %s" % name, h)


def test_xss(port):
    tag = "<script>alert(1)</script>"
    for target in ["/search?q=" + q(tag), "/errno/" + q(tag), "/" + q(tag),
                   "/api/v1/identify?text=" + q(tag), "/api/v1/errors/" + q(tag),
                   "/search?q=" + q('"><img src=x onerror=alert(1)>')]:
        st, h, b = get(port, target)
        ok(st is not None and b"<script>alert" not in b and b"<img src=x" not in b,
           "no raw tag in the answer to %s" % target, b[:300])
        if b"alert(1)" in b:
            ok(b"&lt;script&gt;" in b or b"\\u003cscript\\u003e" in b or b"&lt;img" in b,
               "the escaped form is shown for %s" % target, b[:300])
        else:
            skip("the escaped form is shown for %s" % target, "the page does not show it")


def test_traversal(port):
    for target in ["/../../etc/passwd", "/errno/..%2f..%2fetc%2fpasswd",
                   "/assets/../../../etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
                   "/errno/EPERM%00.html", "/%00", "/..\\..\\etc\\passwd",
                   "/assets/..\\..\\etc\\passwd", "/errno/%2e%2e/%2e%2e/etc/passwd",
                   "//etc/passwd", "/api/v1/errors/../../../../etc/passwd"]:
        st, h, b = get(port, target)
        ok(b"root:" not in b and st != 200, "%s: no file, status %s" % (target, st), b[:200])


def test_oversize(port, srv):
    st, h, b = get(port, "/" + "a" * 200000)
    ok(st in (None, 400, 404, 413, 414, 431), "a 200 kB request line: an error or a close", st)
    st, h, b = get(port, "/", headers={"X-Big": "b" * 200000})
    ok(st in (None, 400, 413, 431), "200 kB of headers: an error or a close", st)
    st, h, b = get(port, "/", headers={"X-H%d" % i: "v" * 100 for i in range(2000)})
    ok(st in (None, 400, 413, 431), "2000 headers: an error or a close", st)
    st, h, b = get(port, "/", method="GET", body=b"x" * 100000)
    ok(st in (None, 400, 413), "a GET with a body is refused", st)
    st, h, b = get(port, "/")
    ok(srv.alive() and st == 200, "and the next request is served", st)


def wait_closed(socks, limit):
    """Waits (up to limit seconds) until every socket in socks is closed by the server;
    returns the set of those that were."""
    closed = set()
    deadline = time.monotonic() + limit
    while len(closed) < len(socks) and time.monotonic() < deadline:
        r, _, _ = select.select([s for s in socks if s not in closed], [], [], 1)
        for s in r:
            try:
                if s.recv(4096) == b"":
                    closed.add(s)
            except OSError:
                closed.add(s)
    return closed


def half_requests(port, n, source):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=60,
                                     source_address=(source, 0))
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        socks.append(s)
    return socks


def test_slow_clients():
    srv = Server("--idle-timeout", "2", "--max-per-ip", "64")
    socks = []
    try:
        socks = half_requests(srv.port, 50, "127.0.0.2")
        st, h, b = get(srv.port, "/errno/EADDRINUSE")
        ok(st == 200, "while 50 slow clients hang, a request from 127.0.0.1 is served", st)
        closed = wait_closed(socks, 120)
        ok(len(closed) == len(socks), "slow clients are disconnected (idle timeout)",
           "%d of %d" % (len(closed), len(socks)))
        ok(srv.alive() and get(srv.port, "/")[0] == 200, "the server still serves", "")
    finally:
        for s in socks:
            s.close()
        srv.stop()
    # No idle timeout: only the per-address limit can close connections here.
    srv = Server("--idle-timeout", "0", "--max-per-ip", "16")
    socks = []
    try:
        socks = half_requests(srv.port, 50, "127.0.0.2")
        closed = wait_closed(socks, 60)
        ok(len(closed) == 34, "the per-address limit refuses 34 of 50 from 127.0.0.2",
           len(closed))
        st, h, b = get(srv.port, "/")
        ok(st == 200, "127.0.0.1 is still served", st)
        open_ones = [s for s in socks if s not in closed]
        r, _, _ = select.select(open_ones, [], [], 0)
        ok(len(open_ones) == 16 and not r, "the 16 admitted are still open", len(open_ones))
    finally:
        for s in socks:
            s.close()
        srv.stop()


def test_busy_port():
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        r = subprocess.run([ERRWHY, "serve", "--listen", "127.0.0.1:%d" % port],
                           capture_output=True, text=True, timeout=300)
        ok(r.returncode == 1, "a busy port: exit 1", r.returncode)
        ok("cannot listen on 127.0.0.1:%d: Address already in use (EADDRINUSE)" % port
           in r.stderr, "says EADDRINUSE", r.stderr)
        ok(re.search(r"\bpid %d\b" % os.getpid(), r.stderr) is not None,
           "names the holder's pid", r.stderr)
        ok("--listen 127.0.0.1:0" in r.stderr, "and says what to do", r.stderr)
    finally:
        holder.close()


def test_privileged_port():
    """As an ordinary user (root drops to nobody), a port below the unprivileged start."""
    try:
        start = int(open("/proc/sys/net/ipv4/ip_unprivileged_port_start").read())
    except OSError:
        start = 1024
    if os.getuid() != 0 or start <= 80 or not shutil.which("setpriv"):
        skip("a privileged port is explained", "needs root (to become nobody) and port 80 "
             "below net.ipv4.ip_unprivileged_port_start")
        return
    # Copies that nobody can reach: the build tree may lie under a directory only root may
    # enter (a clone in /root, a mktemp -d), and errwhy finds errwhy-serve beside itself.
    d = tempfile.mkdtemp()
    try:
        os.chmod(d, 0o755)
        for exe in (ERRWHY, SERVER):
            shutil.copy(exe, d)
        r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            os.path.join(d, "errwhy"), "serve", "--listen", "127.0.0.1:80"],
                           capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(d)
    if r.returncode in (126, 127) or "Permission denied" in r.stderr and "EACCES" not in r.stderr:
        skip("a privileged port is explained", "nobody cannot run %s" % ERRWHY)
        return
    ok(r.returncode == 1 and "Permission denied (EACCES)" in r.stderr and
       "CAP_NET_BIND_SERVICE" in r.stderr, "a privileged port: EACCES explained, exit 1",
       (r.returncode, r.stderr))


def test_ipv6():
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        skip("[::1]:0 serves", "no IPv6 loopback here")
        return
    p = subprocess.Popen([ERRWHY, "serve", "--listen", "[::1]:0"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        line = p.stderr.readline().decode()
        m = re.match(r"errwhy serve: http://\[::1\]:(\d+)/ \(", line)
        st = None
        if m:
            s = socket.create_connection(("::1", int(m.group(1))), timeout=120)
            s.sendall(b"GET / HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n")
            st = s.recv(64).split(b"\r\n")[0]
            s.close()
        ok(st == b"HTTP/1.1 200 OK", "[::1]:0 serves, and says http://[::1]:PORT/", (line, st))
    finally:
        p.send_signal(signal.SIGTERM)
        rc = p.wait(300)
    ok(rc == 0, "[::1]: stops with exit 0", rc)


def test_no_server():
    """errwhy alone, without errwhy-serve beside it: exit 3 and a clear message."""
    d = tempfile.mkdtemp()
    try:
        lone = os.path.join(d, "errwhy")
        shutil.copy(ERRWHY, lone)
        # --selftest: an installed errwhy-serve, if one is found, exits by itself.
        r = subprocess.run([lone, "serve", "--selftest"], capture_output=True,
                           text=True, timeout=300, stdin=subprocess.DEVNULL)
        if "errwhy-serve is not installed" not in r.stderr and r.returncode != 3:
            skip("errwhy-serve missing: exit 3", "an installed errwhy-serve was found")
            return
        ok(r.returncode == 3 and "errwhy-serve is not installed" in r.stderr,
           "errwhy-serve missing: exit 3 and says so", (r.returncode, r.stderr))
        r = subprocess.run([lone, "serve", "--help"], capture_output=True, text=True,
                           timeout=60)
        ok(r.returncode == 0 and "--listen" in r.stdout, "--help needs no errwhy-serve",
           r.returncode)
    finally:
        shutil.rmtree(d)


def test_usage():
    for args in [["--listen", "10.1.2.3:80"], ["--listen", "nonsense"],
                 ["--listen", "127.0.0.1:99999"], ["--bogus"], ["--threads", "x"]]:
        r = subprocess.run([ERRWHY, "serve"] + args, capture_output=True, text=True,
                           timeout=300)
        ok(r.returncode == 2 and "errwhy serve --help" in r.stderr, "usage error: %s" % args,
           (r.returncode, r.stderr))
    # An argument's escape sequence reaches the terminal as visible text, never raw.
    for args in [["--listen", "127.0.0.1:\x1b[31m"], ["--bogus\x1b]0;x\x07"],
                 ["--threads", "\x9b1m"]]:
        r = subprocess.run([ERRWHY, "serve"] + args, capture_output=True, timeout=300)
        ok(r.returncode == 2 and b"\x1b" not in r.stderr and b"\x9b" not in r.stderr and
           (b"\\x1b" in r.stderr or b"\\u009b" in r.stderr),
           "usage error with a control in %r: escaped" % args, (r.returncode, r.stderr))
    r = subprocess.run([ERRWHY, "serve", "--help"], capture_output=True, text=True, timeout=60)
    ok(r.returncode == 0 and "--listen" in r.stdout and "exit status" in r.stdout,
       "errwhy serve --help", r.stdout)


def test_signals():
    for sig in (signal.SIGTERM, signal.SIGINT):
        srv = Server()
        try:
            get(srv.port, "/")
        finally:
            rc = srv.stop(sig)
        ok(rc == 0, "%s: exit 0" % sig.name, rc)
        for _ in range(100):
            if any("stopped" in line for line in srv.lines):
                break
            time.sleep(0.1)
        ok(any(line.strip() == "errwhy serve: stopped" for line in srv.lines),
           "%s: says stopped" % sig.name, srv.lines)


def main():
    srv = Server()
    try:
        port = srv.port
        ok(srv.pages > 0, "the start-up line counts the pages", srv.pages)
        test_pages(port, srv)
        test_redirects(port)
        test_families(port)
        test_search_api(port)
        test_http(port)
        test_security_headers(port)
        test_xss(port)
        test_traversal(port)
        test_oversize(port, srv)
        ok(srv.alive(), "the server is still up", "")
    finally:
        rc = srv.stop()
    ok(rc == 0, "it stops with exit 0", rc)
    test_slow_clients()
    test_busy_port()
    test_privileged_port()
    test_ipv6()
    test_no_server()
    test_usage()
    test_signals()
    print("1..%d" % n_tests)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
