/* errwhy.h: the public API of liberrwhy, the error catalog and everything that reads it.
 * The errwhy command uses nothing else; outside programs link liberrwhy and include only this. */
#ifndef ERRWHY_H
#define ERRWHY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the catalog ------------------------------------------------------------------------ */

/* A family is a numbering scheme. Only errno today; signals, exit statuses and getaddrinfo
 * codes join later, so a number can match entries in several families. */
enum ew_family {
	EW_FAMILY_ERRNO,
	EW_FAMILY_COUNT
};

/* The systems whose numbers each entry records, besides Linux on x86_64 and friends. */
enum ew_system {
	EW_SYS_DARWIN,
	EW_SYS_FREEBSD,
	EW_SYS_OPENBSD,
	EW_SYS_WINDOWS_WSA,
	EW_SYS_WINDOWS_CRT,
	EW_SYS_LINUX_ALPHA,
	EW_SYS_LINUX_MIPS,
	EW_SYS_LINUX_PARISC,
	EW_SYS_LINUX_SPARC,
	EW_SYS_COUNT
};

/* Stands in a numbers table where a system has no such name. */
#define EW_NO_NUMBER INT32_MIN

enum ew_confidence {
	EW_CONFIDENCE_LOW,
	EW_CONFIDENCE_MEDIUM,
	EW_CONFIDENCE_HIGH
};

struct ew_code {
	const char *lang; /* "c", "sh", "python", ... */
	const char *text;
};

struct ew_fix {
	const char *title;
	const char *when;
	const struct ew_code *code; /* the first is C or shell */
	size_t n_code;
	const char *why;
};

/* One row of "Numbers on other systems": the entry's own name first, then each alias. */
struct ew_numbers {
	const char *name;
	int32_t on[EW_SYS_COUNT];
};

/* One catalog entry. Every renderer (text, JSON, HTML) reads this and only this.
 * Prose fields hold paragraphs separated by a blank line; absent sections are NULL / 0. */
struct ew_entry {
	enum ew_family family;
	const char *name;
	int number;          /* on this system, from <errno.h> at build time */
	const char *message; /* strerror() in the C locale at build time */
	const char *title;
	const char *category;
	bool common;
	bool complete;
	enum ew_confidence confidence;
	const char *meaning;
	const char *const *causes;
	size_t n_causes;
	const char *repro_command;
	const char *repro_output;
	const struct ew_fix *fixes;
	size_t n_fixes;
	const char *const *avoid;
	size_t n_avoid;
	const struct ew_numbers *numbers; /* numbers[0].name is the entry's name; then aliases */
	size_t n_numbers;
	const char *const *sources;
	size_t n_sources;
};

size_t ew_entry_count(void);
const struct ew_entry *ew_entry_at(size_t index);

const char *ew_family_key(enum ew_family family);     /* "errno" */
const char *ew_family_label(enum ew_family family);   /* "Linux / POSIX" */
const char *ew_system_key(enum ew_system system);     /* "darwin": the JSON key */
const char *ew_system_label(enum ew_system system);   /* "macOS / Darwin" */
const char *ew_confidence_key(enum ew_confidence c);  /* "medium" */

/* ---- lookup ----------------------------------------------------------------------------- */

enum ew_match_kind {
	EW_MATCH_NAME,    /* EADDRINUSE, eaddrinuse, -EADDRINUSE */
	EW_MATCH_ALIAS,   /* EWOULDBLOCK -> EAGAIN */
	EW_MATCH_NUMBER,  /* 98, -98, 0x62 on this system */
	EW_MATCH_MESSAGE, /* "Address already in use" */
	EW_MATCH_FOREIGN  /* a number on another system, see ew_lookup_foreign() */
};

struct ew_match {
	const struct ew_entry *entry;
	enum ew_match_kind kind;
	const char *as_name;   /* the name that matched: the alias for EW_MATCH_ALIAS */
	int system;            /* an enum ew_system for EW_MATCH_FOREIGN, else -1 */
	unsigned systems;      /* EW_MATCH_FOREIGN: every system (1u << enum ew_system) it matched */
	long number;           /* the number that matched, for NUMBER and FOREIGN */
};

/* Everything a query can mean: a name, a number in decimal or hex with an optional minus
 * (kernel style), or a strerror text. Fills at most max matches, each labelled, and returns
 * how many there are (0: nothing matched). */
size_t ew_lookup(const char *query, struct ew_match *out, size_t max);

/* A set of systems for --os: "darwin" is one, "windows" is both Windows tables, "all" all.
 * Returns a bit mask of (1u << enum ew_system), or 0 for an unknown name. */
unsigned ew_os_parse(const char *name);
const char *ew_os_names(void); /* "darwin, freebsd, ...": for usage messages */

/* The entries whose number on any system in mask is number: one match per entry and name,
 * with every system it matched in systems. */
size_t ew_lookup_foreign(unsigned mask, long number, struct ew_match *out, size_t max);

/* Names close to a mistyped query, closest first ("EADRINUSE" -> EADDRINUSE). */
size_t ew_suggest(const char *query, const struct ew_entry **out, size_t max);

/* The entries whose name, message, title or text contain every word, best first. */
size_t ew_search(const char *const *words, size_t n_words, const struct ew_entry **out,
		 size_t max);

/* ---- output buffers --------------------------------------------------------------------- */

/* A growable string. After a failed allocation it keeps its contents and sets failed, and
 * later appends do nothing, so a renderer checks once at the end. */
struct ew_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

void ew_buf_init(struct ew_buf *b);
void ew_buf_free(struct ew_buf *b);
void ew_buf_append(struct ew_buf *b, const char *s, size_t n);
void ew_buf_puts(struct ew_buf *b, const char *s);
void ew_buf_putc(struct ew_buf *b, char c);
void ew_buf_printf(struct ew_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ew_buf_vprintf(struct ew_buf *b, const char *fmt, va_list ap);

/* ---- rendering -------------------------------------------------------------------------- */

struct ew_text_style {
	unsigned width;   /* wrap prose at this many columns */
	bool color;       /* ANSI colour and bold */
	bool label_match; /* say how the query was read: set when one query has several answers */
};

struct ew_port_report;

/* What live diagnosis found on this machine, shown as the "On this machine" section of a page.
 * NULL members (or a NULL pointer) mean nothing was looked at. Later diagnoses (a path, file
 * descriptor limits) become members here. */
struct ew_diagnosis {
	const struct ew_port_report *port;
};

/* The reference page of one match. The match says how the query was read; diag may be NULL. */
int ew_render_text(struct ew_buf *b, const struct ew_match *m, const struct ew_text_style *st,
		   const struct ew_diagnosis *diag);
/* "EADDRINUSE 98 Address already in use": the columns of moreutils errno -l. */
void ew_render_brief(struct ew_buf *b, const struct ew_entry *e, const char *as_name);
/* A JSON array of entries, each with "on_this_machine" when diag has anything. 0 or -ENOMEM. */
int ew_render_json(struct ew_buf *b, const struct ew_match *m, size_t n, bool pretty,
		   const struct ew_diagnosis *diag);

/* ---- port diagnosis (lib/diagnose/) ----------------------------------------------------- */
/* PORT-API-BEGIN: declarations of lib/diagnose/ go here */

/* Which protocols a port question covers: a bit mask. */
#define EW_PORT_TCP (1u << 0)
#define EW_PORT_UDP (1u << 1)

/* How ew_port_report_build() looks for holders. */
#define EW_PORT_ALL_HOLDERS (1u << 4) /* read every process, not only until each socket has one */

enum ew_port_verdict {
	EW_PORT_FREE,      /* no socket is bound to the port */
	EW_PORT_TIME_WAIT, /* only sockets the kernel keeps after a close: TIME_WAIT, orphans */
	EW_PORT_IN_USE     /* a process holds a socket on it (listening, bound or connected) */
};

/* One process that has a socket of the port among its open files. */
struct ew_port_holder {
	int pid;
	int ppid;
	char comm[17];
	char **argv;          /* the command line; NULL-terminated, empty for kernel threads */
	size_t argc;
	uint32_t uid;         /* effective */
	char *user;           /* the uid's name, or NULL */
	int64_t started;      /* seconds since the epoch, or -1 */
	char *unit;           /* the systemd unit from /proc/PID/cgroup: "nginx.service", or NULL */
	bool user_unit;       /* the unit belongs to a user's manager (systemctl --user) */
	char *container_runtime; /* "docker", "podman", "containerd", "kubernetes", or NULL */
	char *container_id;   /* the container's id from the cgroup path, or NULL */
	char *proxy_to;       /* docker-proxy: the container address it forwards to, or NULL */
	char *terminal;       /* "pts/3", or NULL */
	int session;          /* the session id */
};

/* One socket whose local port is the port asked about. */
struct ew_port_socket {
	int proto;            /* IPPROTO_TCP or IPPROTO_UDP */
	int family;           /* AF_INET or AF_INET6 */
	char local[48];       /* the local address as text: "::", "127.0.0.1" */
	uint16_t port;
	char remote[48];      /* the peer address, "" when not connected */
	uint16_t remote_port;
	int state;            /* the kernel's TCP state number: 10 LISTEN, 6 TIME_WAIT, ...;
			       * 7 CLOSE with an inode is a TCP socket bound and idle */
	int v6only;           /* IPV6_V6ONLY of an IPv6 socket: 0 or 1; -1 not applicable */
	uint64_t inode;       /* 0 when no process can hold it (TIME_WAIT, orphaned) */
	uint32_t uid;         /* the uid that created it */
	int timer_s;          /* seconds until TIME_WAIT (or an orphan) expires; -1 none */
	struct ew_port_holder **holders; /* point into the report's procs */
	size_t n_holders;
	uint64_t cgroup_id;   /* the cgroup v2 id of its creator (INET_DIAG_CGROUP_ID); 0 unknown */
};

struct ew_port_report {
	uint16_t port;
	unsigned protos;                 /* EW_PORT_TCP | EW_PORT_UDP */
	struct ew_port_socket *sockets;  /* listening and bound first */
	size_t n_sockets;
	struct ew_port_holder **procs;   /* every holder once, by pid */
	size_t n_procs;
	enum ew_port_verdict verdict;
	bool complete;       /* every readable process was read (EW_PORT_ALL_HOLDERS) */
	bool hidden_holders; /* a socket has no visible holder and some processes were unreadable */
	unsigned unreadable; /* processes whose open files we may not read */
	int bindable_reuse;  /* for TIME_WAIT: a trial bind with SO_REUSEADDR; 1, 0, -1 not tried */
};

/* Everything bound to port in this network namespace, its holders and a verdict.
 * flags: EW_PORT_TCP and/or EW_PORT_UDP (neither means both), EW_PORT_ALL_HOLDERS.
 * Returns 0, or a negative errno: -ELIBACC when libmnl.so.0 cannot be loaded. */
int ew_port_report_build(struct ew_port_report **out, uint16_t port, unsigned flags);
void ew_port_report_free(struct ew_port_report *r);

/* Parses a port number 1..65535 ("3000"); -EINVAL or -ERANGE otherwise. */
int ew_port_parse(const char *text, uint16_t *port);
const char *ew_port_verdict_key(enum ew_port_verdict v); /* "in_use" */
const char *ew_port_state_name(int state);               /* "LISTEN", "TIME_WAIT" */
/* Why a call failed, for errors the errno text says badly (-ELIBACC), else strerror. */
const char *ew_port_strerror(int err);

/* Whether a server could bind port on the wildcard address of both families now: 1 yes, 0 no,
 * or a negative errno (-EACCES below ip_unprivileged_port_start). reuse: as one that sets
 * SO_REUSEADDR (which TCP TIME_WAIT sockets of a server that set it too do not block). */
int ew_port_bindable(uint16_t port, unsigned protos, bool reuse);
/* A port in lo..hi that both IPv4 and IPv6 can bind now (strictly: no TIME_WAIT either), the
 * lowest first; lo == 0 asks the kernel for an ephemeral one. -EADDRNOTAVAIL if none is. */
int ew_port_find_free(uint16_t lo, uint16_t hi, unsigned protos, uint16_t *out);

/* Whether errwhy may signal pid: 0, or -EPERM with *why set ("PID 1", "errwhy itself",
 * "an ancestor of errwhy"). */
int ew_port_may_signal(int pid, const char **why);

struct ew_port_stop_result {
	int pid;
	char comm[17];
	int error;       /* 0; -ESRCH gone before the signal; -ESTALE no longer held the socket, so
			  * not signalled (the pid may have been reused); or from pidfd_send_signal */
	bool signalled;  /* the first signal was sent */
	bool killed;     /* it outlived the timeout and was sent SIGKILL */
	bool exited;     /* it is gone */
};

/* Stops every holder in r (which should come from an EW_PORT_ALL_HOLDERS report): opens a
 * pidfd, re-checks that the process still holds one of r's sockets, signals through the pidfd,
 * waits up to timeout_ms, then sends SIGKILL to the survivors and waits a little more.
 * out has room for r->n_procs results. Returns 0, -EPERM (nobody signalled) if any holder
 * may not be signalled, or another negative errno. */
int ew_port_stop(const struct ew_port_report *r, int sig, unsigned timeout_ms,
		 struct ew_port_stop_result *out);

/* Render a report: the text (the "On this machine" section of a lookup uses the same), and
 * JSON in the shape documented in errwhy(1). Both return 0 or -ENOMEM. */
int ew_render_port_text(struct ew_buf *b, const struct ew_port_report *r,
			const struct ew_text_style *st);
/* The one-line verdict alone: "in use: node (pid 4121, ...) listens on :::3000". */
int ew_render_port_verdict(struct ew_buf *b, const struct ew_port_report *r);
int ew_render_port_json(struct ew_buf *b, const struct ew_port_report *r, bool pretty);
/* What ew_port_stop() did, one line per process. sig is the first signal sent. */
int ew_render_port_stop_text(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig);
/* {"port":..,"stopped":[...],"after":{report}}: the outcome of --kill --json. */
int ew_render_port_stop_json(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig, const struct ew_port_report *after, bool pretty);
/* PORT-API-END */

#ifdef __cplusplus
}
#endif

#endif
