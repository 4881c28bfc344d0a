#!/usr/bin/env python3
# check-site.py: `errwhy site DIR` as a web host would serve it: every entry has its page,
# every page is one well-formed document that a strict CSP allows, every internal link and
# anchor resolves, and errwhy never writes into a directory that is not its own.
# Usage: check-site.py ERRWHY. Prints TAP.
import html.parser
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

ERRWHY = sys.argv[1]
ENTRY_SECTIONS = ["what-this-means", "why-it-happens", "how-to-reproduce", "fix-1",
                  "what-not-to-do", "numbers-on-other-systems", "sources"]

n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} - {what}")
    else:
        failed += 1
        print(f"not ok {n} - {what}")
        for line in str(detail).splitlines()[:30]:
            print(f"#   {line}")


class Page(html.parser.HTMLParser):
    """What one page holds: ids, links, h1 count, and anything a strict CSP would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []      # (attribute, value)
        self.h1 = 0
        self.bad = []        # inline script/style, style= and on*= attributes
        self.open_script = False
        self.script_text = ""
        self.stack = []      # open elements: the pages close every one, in order
        self.nesting = []    # where they did not
        self.h2 = []         # the text of each <h2>
        self.in_h2 = False

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            if name == "style" or name.startswith("on"):
                self.bad.append(f"<{tag} {name}=...>")
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))
        if tag == "h1":
            self.h1 += 1
        if tag == "h2":
            self.in_h2 = True
            self.h2.append("")
        if tag == "style":
            self.bad.append("<style> element")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.bad.append("<script> without src")
            self.open_script = True

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.nesting.append(f"</{tag}> at line {self.getpos()[0]}, open: {self.stack[-3:]}")
        else:
            self.stack.pop()
        if tag == "h2":
            self.in_h2 = False
        if tag == "script":
            if self.script_text.strip():
                self.bad.append("inline script text")
            self.open_script = False
            self.script_text = ""

    def handle_data(self, data):
        if self.in_h2:
            self.h2[-1] += data
        if self.open_script:
            self.script_text += data


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return p


def run(*args):
    return subprocess.run([ERRWHY, *args], capture_output=True, timeout=240)


def names():
    r = run("-l")
    return [line.split()[0] for line in r.stdout.decode().splitlines() if line.strip()]


def snapshot(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def check_links(site, pages):
    """Every href/src inside the site resolves to a file, and #anchors to an id in it."""
    broken, external = [], []
    for rel, page in pages.items():
        for tag, attr, value in page.links:
            url = urllib.parse.urlsplit(value)
            if url.scheme or url.netloc:
                if not value.startswith("https://man7.org/"):
                    external.append(f"{rel}: {tag} {attr}={value}")
                continue
            if value.startswith("/"):
                broken.append(f"{rel}: absolute {value} in a static export")
                continue
            target = rel if not url.path else os.path.normpath(
                os.path.join(os.path.dirname(rel), urllib.parse.unquote(url.path)))
            if not os.path.isfile(os.path.join(site, target)):
                broken.append(f"{rel}: {value} -> {target} is missing")
                continue
            if url.fragment:
                ids = pages[target].ids if target in pages else set()
                if url.fragment not in ids:
                    broken.append(f"{rel}: {value}: no id {url.fragment} in {target}")
    return broken, external


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def main():
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "site")
        r = run("site", site)
        ok(r.returncode == 0, "errwhy site writes a new directory", r.stderr.decode())
        ok(b"errwhy site: wrote" in r.stderr, "it says how many files it wrote",
           r.stderr.decode())
        all_names = names()
        ok(len(all_names) > 50, f"errwhy -l lists the entries ({len(all_names)})")
        # -l lists aliases too (EWOULDBLOCK): they are read on their entry's page.
        with open(os.path.join(site, "api/v1/errors.json"), encoding="utf-8") as f:
            listed = json.load(f)["errors"]
        # "id" is the catalog's name (137); "name" an exit status's symbol (SIGKILL).
        aliases = {a: e["id"] for e in listed for a in e["aliases"]}
        family = {e["id"]: e["family"] for e in listed}
        family.update({a: family[n] for a, n in aliases.items()})
        ok(sorted(set(family.values())) == ["errno", "exit", "kernel", "resolver", "signal"],
           "api/v1/errors.json lists every family", sorted(set(family.values())))
        bad = [a for a, n in aliases.items()
               if f'href="../{family[a]}/{n}.html"' not in
               read_text(f"{site}/{family[a]}/{a}.html")]
        ok(aliases and not bad, "every alias has FAMILY/ALIAS.html linking its entry (%d)"
           % len(aliases), " ".join(bad))
        ok("SIGIO" in aliases and 'href="../signal/SIGPOLL.html"' in
           read_text(f"{site}/signal/SIGIO.html"), "signal/SIGIO.html links signal/SIGPOLL.html")
        all_names = [x for x in all_names if x not in aliases]
        ok(sorted(all_names) == sorted(e["id"] for e in listed),
           "api/v1/errors.json lists the same entries as errwhy -l")
        missing = [x for x in all_names if not os.path.isfile(f"{site}/{family[x]}/{x}.html")]
        ok(not missing, "every entry has FAMILY/NAME.html", " ".join(missing))
        for f in ("errno/EADDRINUSE.html", "signal/SIGKILL.html", "exit/137.html",
                  "exit/203.html", "resolver/EAI_NONAME.html", "kernel/EPROBE_DEFER.html"):
            ok(os.path.isfile(os.path.join(site, f)), f"{f} is there")
        stray = [f for f in os.listdir(f"{site}/errno")
                 if f[:-5] in family and family[f[:-5]] != "errno"]
        ok(not stray, "errno/ holds errno values only", " ".join(stray[:10]))
        missing = [x for x in all_names if not os.path.isfile(f"{site}/api/v1/errors/{x}.json")]
        ok(not missing, "every entry has api/v1/errors/NAME.json", " ".join(missing))
        for f in ("index.html", "404.html", "assets/errwhy.css", "assets/errwhy.js",
                  "api/v1/errors.json"):
            ok(os.path.isfile(os.path.join(site, f)), f"{f} is there")

        pages, errors = {}, []
        for root, _, files in os.walk(site):
            for f in files:
                if f.endswith(".html"):
                    rel = os.path.relpath(os.path.join(root, f), site)
                    try:
                        pages[rel] = parse(os.path.join(root, f))
                    except Exception as e:  # a parse error or invalid UTF-8
                        errors.append(f"{rel}: {e}")
        ok(not errors, f"every page parses ({len(pages)} pages)", "\n".join(errors))
        wrong = [f"{k}: {p.nesting[:2] or p.stack}" for k, p in pages.items()
                 if p.nesting or p.stack]
        ok(not wrong, "every element is closed, in order", "\n".join(wrong[:10]))
        wrong = [f"{k}: {p.h1}" for k, p in pages.items() if p.h1 != 1]
        ok(not wrong, "every page has exactly one <h1>", "\n".join(wrong))
        bad = [f"{k}: {b}" for k, p in pages.items() for b in p.bad]
        ok(not bad, "no inline script or style, no style= or on*= attributes", "\n".join(bad))
        broken, external = check_links(site, pages)
        ok(not broken, "every internal href/src and #anchor resolves", "\n".join(broken))
        ok(not external, "no outside resource but man7.org links", "\n".join(external))
        for k, p in pages.items():
            srcs = [v for t, a, v in p.links if (t, a) in (("link", "href"), ("script", "src"))]
            if not any(s.endswith("assets/errwhy.css") for s in srcs) or \
               not any(s.endswith("assets/errwhy.js") for s in srcs):
                ok(False, f"{k} links the style sheet and the script", srcs)
                break
        else:
            ok(True, "every page links the style sheet and the script")
        e = pages.get("errno/EADDRINUSE.html")
        lacking = [s for s in ENTRY_SECTIONS if not e or s not in e.ids]
        ok(not lacking, "EADDRINUSE's page has every section id", " ".join(lacking))
        e = pages.get("signal/SIGKILL.html")
        ok(e and "who-sends-it" in e.ids and "Who sends it" in e.h2 and
           "Default action:" in read_text(f"{site}/signal/SIGKILL.html"),
           "signal/SIGKILL.html has \"Who sends it\" and the default action",
           e.h2 if e else None)
        for name in ("exit/137.html", "exit/203.html", "kernel/EPROBE_DEFER.html"):
            e = pages.get(name)
            ok(e and "numbers-on-other-systems" not in e.ids and
               "Numbers on other systems" not in e.h2 and
               "<table" not in read_text(f"{site}/{name}"),
               f"{name} has no numbers table", e.h2 if e else None)
        ok('href="../signal/SIGKILL.html"' in read_text(f"{site}/exit/137.html"),
           "exit/137.html links its signal's page")
        index = read_text(f"{site}/index.html")
        sections = [v for t, a, v in pages["index.html"].links if v.startswith("#family-")]
        ok(sections == ["#family-" + f for f in ("errno", "signal", "exit", "resolver",
                                                   "kernel")] * 2,
           "the index has a section per family, errno first, each linked from the top",
           sections)
        ok(all(f'href="{family[x]}/{x}.html"' in index for x in all_names),
           "the index links every entry in its family's directory")
        ok(index.count('<table class="entries">') == 5, "each family has its own table")

        # Each page has the text page's sections, in its order, under its headings.
        differ = []
        for name in all_names:
            # In its family only: errwhy 1 would also answer EPERM and SIGHUP.
            text = run("--color=never", "--family", family[name], name).stdout.decode() \
                .split("\n")
            # "On this machine" is this machine's, now: a static page has no such section.
            heads = [text[i] for i in range(1, len(text))
                     if text[i - 1] == "" and text[i] and not text[i].startswith(" ")
                     and text[i] != "On this machine"]
            got = pages.get(f"{family[name]}/{name}.html")
            if not heads or got is None or got.h2 != heads:
                differ.append(f"{name}: text {heads} html {got.h2 if got else None}")
        ok(not differ, "every entry page has the text page's headings, in order",
           "\n".join(differ[:5]))

        # Re-export into the earlier export: allowed, and the same files come out.
        before = snapshot(site)
        r = run("site", site)
        ok(r.returncode == 0, "a second export into the first one works", r.stderr.decode())
        ok(snapshot(site) == before, "and writes the same files")

        # A symlink planted in an earlier export is never followed: the export fails, and
        # what the link points to stays as it was.
        victim = os.path.join(tmp, "victim")
        os.mkdir(victim)
        with open(os.path.join(victim, "EPERM.html"), "w") as f:
            f.write("keep\n")
        planted = os.path.join(tmp, "planted")
        run("site", planted)
        subprocess.run(["rm", "-rf", os.path.join(planted, "errno")], check=True)
        os.symlink(victim, os.path.join(planted, "errno"))
        r = run("site", planted)
        ok(r.returncode != 0 and snapshot(victim) == {"EPERM.html": b"keep\n"},
           "a symlink in an earlier export is not followed",
           f"status {r.returncode}: {r.stderr.decode()} {sorted(snapshot(victim))[:5]}")
        os.unlink(os.path.join(planted, "index.html"))
        os.symlink(os.path.join(victim, "EPERM.html"), os.path.join(planted, "index.html"))
        r = run("site", planted)
        ok(r.returncode != 0 and snapshot(victim) == {"EPERM.html": b"keep\n"},
           "nor a symlink where a page goes", f"status {r.returncode}: {r.stderr.decode()}")

        # A directory that is not errwhy's: refused with exit 2, left as it was.
        other = os.path.join(tmp, "other")
        os.mkdir(other)
        with open(os.path.join(other, "index.html"), "w") as f:
            f.write("mine\n")
        r = run("site", other)
        ok(r.returncode == 2, "a non-empty unrelated directory is refused with exit 2",
           f"status {r.returncode}: {r.stderr.decode()}")
        ok(r.stderr.strip() != b"", "with a message on stderr")
        ok(snapshot(other) == {"index.html": b"mine\n"}, "and left untouched", snapshot(other))

        # A file where DIR should be; an empty directory is fine.
        r = run("site", os.path.join(other, "index.html"))
        ok(r.returncode == 2, "a file as DIR is refused with exit 2", r.stderr.decode())
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        r = run("site", empty)
        ok(r.returncode == 0 and os.path.isfile(f"{empty}/index.html"),
           "an empty directory is written", r.stderr.decode())
        r = run("site")
        ok(r.returncode == 2, "no DIR is a usage error")
        r = run("site", "--help")
        ok(r.returncode == 0 and b"usage: errwhy site DIR" in r.stdout, "--help")

    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
