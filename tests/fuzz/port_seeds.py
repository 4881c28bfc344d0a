#!/usr/bin/env python3
# port_seeds.py: writes the seed corpus of fuzz_port (corpus/port/), in the byte layout that
# fuzz_port.c's build() reads, so each seed is a meaningful report. Usage: port_seeds.py DIR
import os, struct, sys

def u16(v): return struct.pack(">H", v)
def take(s): return bytes([len(s)]) + s          # a length byte, then the bytes (<= 48)
def none(): return b"\x80"                        # string_or_null: NULL

def holder(comm, argv, user=b"alice", unit=None, runtime=None, cid=None, proxy=None,
           terminal=b"pts/3", pid=4121):
    b = u16(pid) + u16(1) + take(comm) + bytes([len(argv)]) + b"".join(take(a) for a in argv)
    b += b"\x01" + u16(1000)                      # uid 1000
    b += take(user) if user is not None else none()
    b += b"\x01" + u16(1700)                      # started
    b += take(unit) if unit is not None else none()
    b += b"\x00"                                  # not a user unit
    for s in (runtime, cid, proxy, terminal):
        b += take(s) if s is not None else none()
    return b + u16(77)                            # session

# flags: 1 udp, 2 inet6, 4 no inode, 8 no timer, 16 connected; state index into
# {10 LISTEN, 6 TIME_WAIT, 7 CLOSE, 8 CLOSE_WAIT, 1 ESTABLISHED, 13, 2, 0, 99}.
def socket(flags, state, v6only=0, holders=(), n_procs=0, local=0):
    b = bytes([flags, state, v6only])
    if not flags & 4: b += b"\x05"                # inode
    b += b"\x00"                                  # uid
    if not flags & 8: b += b"\x3c"                # timer 60 s
    b += bytes([local])
    if flags & 16: b += u16(51234)
    if n_procs: b += bytes([len(holders)]) + bytes(holders)
    return b

def stop(comm, error, flags, pid=4121):          # error index into
    return u16(pid) + take(comm) + bytes([error, flags])   # {0, INT_MIN, -EPERM, -ESRCH, -ESTALE, -ENOSYS, -EINVAL, -EIO}

def report(holders, sockets, verdict, stops=(), flags=0, sig=0, port=3000):
    b = u16(port) + b"\x02" + bytes([len(holders)]) + b"".join(holders)
    b += bytes([len(sockets)]) + b"".join(sockets) + bytes([flags, verdict])
    if flags & 4: b += b"\x03"
    b += b"\x01" + bytes([len(stops)]) + b"".join(stops) + bytes([sig])
    return b

node = holder(b"node", [b"node", b"server.js", b"--port", b"3000"])
seeds = {
    "free": report([], [], 0),
    "time-wait": report([], [socket(4, 1)], 1),
    "time-wait-many": report([], [socket(4, 1), socket(4, 1), socket(4 | 2, 3), socket(4, 4)], 1),
    "listen-node": report([node], [socket(8, 0, 0, [0], 1)], 2),
    "listen-v6": report([node], [socket(8 | 2, 0, 2, [0], 1)], 2),
    "udp": report([holder(b"dnsmasq", [b"/usr/sbin/dnsmasq", b"-k"], unit=b"dnsmasq.service")],
                  [socket(1 | 8, 2, 0, [0], 1)], 2),
    "bound": report([node], [socket(8, 2, 0, [0], 1)], 2),
    "established": report([node], [socket(8 | 16, 4, 0, [0], 1)], 2),
    "hidden": report([], [socket(8, 0)], 2, flags=2 | 4),
    "docker-proxy": report([holder(b"docker-proxy", [b"/usr/bin/docker-proxy", b"-proto", b"tcp"],
                                   user=b"root", runtime=b"docker", cid=b"0123456789abcdef0123",
                                   proxy=b"172.17.0.2:80")],
                           [socket(8, 0, 0, [0], 1)], 2),
    "two-holders": report([node, holder(b"nginx", [b"nginx: worker process"], pid=900)],
                          [socket(8, 0, 0, [0, 1], 2), socket(8 | 2, 0, 1, [1], 2)], 2, flags=1),
    "kernel-thread": report([holder(b"", [], user=None, terminal=None)],
                            [socket(8, 0, 0, [0], 1)], 2),
    "stop": report([node], [socket(8, 0, 0, [0], 1)], 2,
                   [stop(b"node", 0, 1 | 4), stop(b"sshd", 2, 0), stop(b"gone", 3, 0),
                    ], sig=0),
    "stop-errors": report([], [], 0, [stop(b"x", 1, 0), stop(b"y", 4, 0), stop(b"z", 5, 0)], sig=6),
    "stop-killed": report([], [], 0, [stop(b"java", 0, 1 | 2 | 4)], sig=1),
    # outside bytes in every field a process controls
    "comm-esc": report([holder(b"\x1b[31mred\x1b[0m", [b"\x1b]0;title\x07"])], [socket(8, 0, 0, [0], 1)], 2),
    "comm-c1": report([holder(b"a\x9bb", [b"\xc2\x9b2J"])], [socket(8, 0, 0, [0], 1)], 2),
    "argv-overlong": report([holder(b"x", [b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"])],
                            [socket(8, 0, 0, [0], 1)], 2),
    "bidi": report([holder(b"\xe2\x80\xaefdp.exe", [b"\xe2\x81\xa6x", b"\xd8\x9c"])],
                   [socket(8, 0, 0, [0], 1)], 2),
    "invalid": report([holder(b"\xff\xfe", [b"\x80", b""], user=b"\xfe", unit=b"a\xff.service",
                              terminal=b"pts/\x7f")], [socket(8, 0, 0, [0], 1)], 2),
    "container-bytes": report([holder(b"python3", [b"python3"], runtime=b"pod\x1bman",
                                      cid=b"\xc3\x28", proxy=b"10.0.0.2\r\n")],
                              [socket(8, 0, 0, [0], 1)], 2),
    "newline-argv": report([holder(b"sh", [b"sh", b"-c", b"echo a\necho b\ttab"])],
                           [socket(8, 0, 0, [0], 1)], 2),
    "stop-comm-esc": report([], [], 0, [stop(b"\x1b[2J\x9b", 2, 0), stop(b"\xff", 0, 1)], sig=0),
    "utf8-ok": report([holder(b"caf\xc3\xa9", [b"\xe6\x97\xa5\xe6\x9c\xac", b"\xf0\x9f\x98\x80"])],
                      [socket(8, 0, 0, [0], 1)], 2),
}
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    open(os.path.join(out, name), "wb").write(data)
print(len(seeds), "seeds in", out)
