/* repro.h: what an entry's built-in reproduction may use (catalog/README.md, "Built-in
 * reproduction"). catalogc wraps each entry's ```c block as the body of
 *
 *     static int repro(struct ew_repro *r)
 *
 * and compiles it into liberrwhy, with this header included first. The runner (run.c) calls it
 * in a forked child that
 *   - has a fresh private directory (mkdtemp) as its working directory, removed afterwards;
 *   - leads its own process group, killed with everything in it when the body returns or when it
 *     runs past its time limit (a few seconds);
 *   - has SIGPIPE ignored and stdin on /dev/null;
 * and reads what it reports through the functions below.
 *
 * The body's contract:
 *   - return the number the entry stands for as the call under test produced it, right after
 *     that call, having named that call with ew_repro_call() just before: the errno value it
 *     set (0 when it unexpectedly succeeded); for a signal, the signal that ended, stopped or
 *     reached the child (0 when none did); for an exit status, the status the child exited
 *     with; for a getaddrinfo code, what getaddrinfo() returned (negative); for a kernel code,
 *     the value a tracer saw the system call return, made positive;
 *   - or return ew_repro_skip(r, "reason") when this machine cannot run it (no privilege, no
 *     namespaces, a missing file system), or ew_repro_fail(r, "what") when a set-up step failed;
 *   - touch nothing of the user's: only the private directory, loopback or a private network
 *     namespace (ew_repro_netns), processes it starts itself. No sleeping longer than needed:
 *     wait on events (pipes, poll, waitpid), never on time.
 *   - call only libc: the errwhy command loads libc alone (tests/cli/lookup.sh checks ldd), so
 *     a libm function is reached with dlopen("libm.so.6") and dlsym();
 *   - the file must stay -Wall -Wextra -Werror clean, ASan/UBSan/valgrind clean (close what it
 *     opens when it is cheap; the child exits right after anyway). */
#ifndef ERRWHY_REPRO_H
#define ERRWHY_REPRO_H

#define _GNU_SOURCE 1
#include <aio.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <linux/rtnetlink.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <mqueue.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <pwd.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

/* What a body returns besides an errno value. */
/* Far below any value a body returns: getaddrinfo's codes are small negative numbers. */
#define EW_REPRO_SKIP (INT_MIN + 1)
#define EW_REPRO_FAIL (INT_MIN + 2)

struct ew_repro;

/* A step it took, printed by `errwhy repro NAME` as one line ("listening on 127.0.0.1:41237"). */
void ew_repro_step(struct ew_repro *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The call that is expected to fail, as the table shows it: "bind(127.0.0.1:41237)". */
void ew_repro_call(struct ew_repro *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records why it cannot run here; returns EW_REPRO_SKIP, so: return ew_repro_skip(r, ...). */
int ew_repro_skip(struct ew_repro *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a set-up step that failed (errno is appended); returns EW_REPRO_FAIL. */
int ew_repro_fail(struct ew_repro *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The private directory's absolute path; it is also the working directory. */
const char *ew_repro_dir(const struct ew_repro *r);

/* Moves the child into a private network namespace that has only lo, up (through a user
 * namespace when not root). 0, or EW_REPRO_SKIP with the reason recorded. */
int ew_repro_netns(struct ew_repro *r);
/* Adds a route of the given type (RTN_UNREACHABLE, RTN_PROHIBIT, RTN_BLACKHOLE, or RTN_UNICAST
 * through lo) for prefix/len (an IPv4 test range, e.g. "198.51.100.0", 24) in the private
 * network namespace. Only after ew_repro_netns(). 0 or EW_REPRO_FAIL. */
int ew_repro_route(struct ew_repro *r, int type, const char *prefix, int len);
/* Adds address/len (IPv4) to lo in the private network namespace. 0 or EW_REPRO_FAIL.
 * (On lo the kernel makes every address of the prefix local: len 32 for exactly one.) */
int ew_repro_address(struct ew_repro *r, const char *address, int len);
/* Moves the child into a private mount namespace (through a user namespace when not root),
 * with every mount private, so a mount it makes under its directory is seen by nobody else
 * and goes away with it. 0, or EW_REPRO_SKIP. */
int ew_repro_mountns(struct ew_repro *r);
/* A resolver world for getaddrinfo(): private network and mount namespaces (as above),
 * /etc/resolv.conf ("nameserver 127.0.0.1") and /etc/nsswitch.conf ("hosts: files dns")
 * covered by files of the child's own, and a DNS server on 127.0.0.1:53, a process of its
 * own, that answers every query with rcode (3 NXDOMAIN, 2 SERVFAIL, 0 with no records, ...),
 * or no server at all for rcode -1, or with EW_REPRO_DNS_SILENT a bound port that never
 * answers (a lookup then waits for the 1 s timeout). Queries go nowhere else. 0,
 * EW_REPRO_SKIP or EW_REPRO_FAIL. */
#define EW_REPRO_DNS_SILENT (-2)
int ew_repro_resolver(struct ew_repro *r, int rcode);
/* A signal handler that does nothing. Installed without SA_RESTART, its signal interrupts a
 * blocking call (EINTR, EAI_INTR), which an ignored signal never does; a body cannot define
 * a function of its own. */
void ew_repro_signal_nop(int sig);
/* As root: becomes nobody/nogroup for the rest of the body (the private directory is handed
 * over first). As anyone else: nothing. 0, or EW_REPRO_FAIL.
 * (Anyone else who went through a user namespace for ew_repro_netns/mountns holds that
 * namespace's capabilities, which pass its permission checks on its own files: they are
 * dropped here, so that the body is as unprivileged as it started.) */
int ew_repro_unprivileged(struct ew_repro *r);
/* True when the child runs as root with the capabilities of its namespace (not after
 * ew_repro_unprivileged()). */
bool ew_repro_root(const struct ew_repro *r);

#endif
