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

/* Every pointer the catalog hands out (entries, their strings and arrays, the keys and labels
 * below) points into tables compiled into the library: never NULL unless a field's comment says
 * so, never to be freed, valid for as long as the library is loaded. */

/* The number spaces people meet when a program fails on Linux (catalog/README.md, "Families"). */
enum ew_family {
	EW_FAMILY_ERRNO,    /* errno values: EADDRINUSE 98 */
	EW_FAMILY_SIGNAL,   /* signals: SIGKILL 9 */
	EW_FAMILY_EXIT,     /* exit statuses: 127, 137 (128+SIGKILL), 203 (systemd's EXIT_EXEC) */
	EW_FAMILY_RESOLVER, /* getaddrinfo's EAI_* codes, glibc's (negative) numbers: EAI_NONAME -2 */
	EW_FAMILY_KERNEL,   /* kernel-internal codes seen in logs and strace: EPROBE_DEFER 517 */
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
	EW_SYS_MUSL,        /* musl libc: its getaddrinfo codes */
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
	const char *source; /* what supports the fix ("pipe(7), linux v6.1 fs/pipe.c"), or NULL */
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
	const char *name;    /* unique across families; an exit entry's is its status, "137" */
	/* On this system, from the family's header at build time (<errno.h>, <signal.h>,
	 * <netdb.h>), the exit status, or the kernel's code. */
	int number;
	/* strerror(), strsignal() or gai_strerror() in the C locale at build time; for exit
	 * statuses and kernel codes, the title. */
	const char *message;
	const char *title;
	const char *category;
	bool common;
	bool complete;
	enum ew_confidence confidence;
	const char *meaning;
	/* Signals: the default action ("term", "core", "ign", "stop", "cont"; NULL for other
	 * families), whether a handler can catch it, and who sends it, each with its source. */
	const char *action;
	bool catchable;
	const char *const *senders;
	const char *const *sender_sources;
	size_t n_senders;
	/* Exit statuses: the symbolic name (EXIT_EXEC, EX_USAGE, the signal of 128+N) or NULL;
	 * signal: N for 128+N, else 0. */
	const char *symbol;
	int signal;
	const char *const *causes;
	size_t n_causes;
	/* Parallel to causes: what supports each ("unlink(2)", "linux v6.1 fs/namei.c"), or NULL. */
	const char *const *cause_sources;
	bool returned;        /* false: mainline Linux never returns it to user space (low) */
	const char *seen;     /* when not returned: what it means to see it */
	const char *repro_command;
	const char *repro_output; /* NULL when the trigger cannot run here */
	/* The built-in reproduction (ew_repro_run()): what it does, read after "reproduced:";
	 * non-NULL exactly when confidence is high. */
	const char *repro_call;
	/* Why there is none, for an entry Linux does return (medium). */
	const char *unreproduced;
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
/* The entry at index, or NULL when index >= ew_entry_count(). */
const struct ew_entry *ew_entry_at(size_t index);

const char *ew_family_key(enum ew_family family);     /* "errno", "signal" */
const char *ew_family_label(enum ew_family family);   /* "Linux / POSIX", "Signals" */
/* What one number of the family is called, with its article: "an errno value", "a signal",
 * "an exit status", "a getaddrinfo code", "a kernel-internal code". */
const char *ew_family_noun(enum ew_family family);
/* A signal's default action in words: "term" -> "terminate the process". "?" if unknown. */
const char *ew_signal_action_words(const char *action);
/* The family for a key ("signal"), or -1 for an unknown key or NULL. */
int ew_family_parse(const char *key);
/* The systems an entry of the family has numbers for (1u << enum ew_system), in the order
 * ew_family_system_at() gives them; and the JSON key of each ("windows" for getaddrinfo's
 * WSA codes). n_systems counts the family's systems; 0 for exit statuses and kernel codes. */
size_t ew_family_n_systems(enum ew_family family);
/* The i-th system of the family, or -1 past the end. */
int ew_family_system_at(enum ew_family family, size_t i);
const char *ew_family_system_key(enum ew_family family, enum ew_system system);
const char *ew_system_key(enum ew_system system);     /* "darwin": the JSON key */
const char *ew_system_label(enum ew_system system);   /* "macOS / Darwin" */
const char *ew_confidence_key(enum ew_confidence c);  /* "medium" */
/* What backs the entry's confidence, as a sentence for "HIGH confidence — ...": the call its
 * reproduction makes, why it is not reproduced, or that Linux never returns it. 0; -ENOSPC
 * when it did not fit (it is cut, still terminated); -EINVAL for a NULL argument. */
int ew_confidence_evidence(const struct ew_entry *e, char *buf, size_t size);
/* For a value outside its enum each of these returns "?", never NULL. */

/* ---- lookup ----------------------------------------------------------------------------- */

enum ew_match_kind {
	EW_MATCH_NAME,    /* EADDRINUSE, eaddrinuse, -EADDRINUSE */
	EW_MATCH_ALIAS,   /* EWOULDBLOCK -> EAGAIN */
	EW_MATCH_NUMBER,  /* 98, -98, 0x62 on this system */
	EW_MATCH_MESSAGE, /* "Address already in use" */
	EW_MATCH_FOREIGN  /* a number on another system, see ew_lookup_foreign() */
};

/* A match's entry and as_name point into the catalog: no need to free them, ever. */
struct ew_match {
	const struct ew_entry *entry;
	enum ew_match_kind kind;
	const char *as_name;   /* the name that matched: the alias for EW_MATCH_ALIAS */
	int system;            /* an enum ew_system for EW_MATCH_FOREIGN, else -1 */
	unsigned systems;      /* EW_MATCH_FOREIGN: every system (1u << enum ew_system) it matched */
	long number;           /* the number that matched, for NUMBER and FOREIGN */
	/* EW_MATCH_MESSAGE from ew_identify(): the hit it came from (the span, ecosystem and
	 * context), owned by the caller; NULL for every other match. */
	const struct ew_hit *hit;
	const char *hit_text;  /* with hit: the recognised span as printable text, or NULL */
};

/* The four lookups below share one contract:
 * - they write at most max results to out and return how many they wrote (<= max);
 * - *total, when total is not NULL, receives how many results there are in all, so a caller
 *   that got fewer than *total can make room and ask again (or pass out = NULL, max = 0 to
 *   count first);
 * - out may be NULL (nothing is written, 0 is returned, *total still counts);
 * - a NULL query, name or word matches nothing: 0, and *total is 0;
 * - the matches point into the catalog (see above); the query need not outlive the call.
 * Allocation failure inside ew_suggest() or ew_search() reads as no match. */

/* Everything a query can mean: a name, a number (see ew_number_parse()), or a strerror text.
 * White space around the query, and quotes around all of it, are ignored. Each match is
 * labelled with how the query was read. */
size_t ew_lookup(const char *query, struct ew_match *out, size_t max, size_t *total);
/* The same within one family (an enum ew_family), or every family for -1. Names: a signal
 * also without SIG (KILL), an exit status also by its symbol (EX_USAGE) and as systemctl
 * prints it (203/EXEC). A number is every family's that has it, most likely first: from 126
 * up an exit status, then an errno and a signal; below 126 an errno, a signal, an exit
 * status; a negative one the kernel's -errno, then getaddrinfo's code, then a kernel code. */
size_t ew_lookup_in(const char *query, int family, struct ew_match *out, size_t max,
		    size_t *total);

/* Reads a number as errwhy does: decimal ("98", "077" is 77: a leading zero is not octal) or
 * hexadecimal after 0x ("0x62"), with an optional sign that is dropped (the kernel's -98 is 98).
 * The whole text must be the number. Stores the magnitude in *out (when out is not NULL) and
 * returns 0; -EINVAL for text that is not a number (or NULL), -ERANGE above LONG_MAX. */
int ew_number_parse(const char *text, long *out);

/* A set of systems for --os: "darwin" is one, "windows" is both Windows tables, "all" all.
 * Returns a bit mask of (1u << enum ew_system), or 0 for an unknown name or NULL. */
unsigned ew_os_parse(const char *name);
/* "darwin, freebsd, ...": for usage messages; a static string. */
const char *ew_os_names(void);

/* The entries whose number on any system in mask is number (its sign is ignored; numbers
 * beyond 32 bits match nothing): one match per entry and name, with every system it matched
 * in systems. */
size_t ew_lookup_foreign(unsigned mask, long number, struct ew_match *out, size_t max,
			 size_t *total);

/* Names close to a mistyped query, closest first ("EADRINUSE" -> EADDRINUSE). */
size_t ew_suggest(const char *query, const struct ew_entry **out, size_t max, size_t *total);

/* The entries whose name, message, title or text contain every one of the n_words words,
 * best first. words may be NULL only when n_words is 0; a NULL word matches nothing. */
size_t ew_search(const char *const *words, size_t n_words, const struct ew_entry **out,
		 size_t max, size_t *total);

/* ---- recognising errors in text (lib/identify/) ------------------------------------------ */
/* The patterns are catalog data (catalog/README.md, "Messages"), compiled at build time into
 * one vectorscan database. libhs is loaded with dlopen() at the first scan, so a plain lookup
 * still loads libc alone. */

/* What a message says about where its error happened. Strings are "" when unknown; they are
 * copied out of the text, raw bytes (print them through ew_buf_put_escaped()), cut to fit. */
struct ew_context {
	int port;           /* -1 when none */
	long pid;           /* -1 when none */
	char address[64];   /* "::", "127.0.0.1", "db.example.com" */
	char syscall[32];   /* "listen", "open" */
	char path[1024];
	/* What was done to path, as `errwhy path --for` names it: "read", "write", "create",
	 * "delete", "exec", "list", "search", or "rename" (then rename_to is the destination
	 * and path the source). From the program's words ("cannot remove") or its call. */
	char file_op[16];
	char rename_to[1024];
};

struct ew_hit {
	const struct ew_entry *entry;
	const char *family;           /* the entry's: "errno", "signal", "exit", "resolver", ... */
	const char *name;             /* the entry's: "EADDRINUSE", "EAI_NONAME", "137" */
	const char *how;              /* "name", "text", "translation", "number", "pattern" */
	const char *lang;             /* "de" for a translated text, else NULL */
	const char *ecosystem;        /* "Node.js", or NULL when the line does not tell */
	int system;                   /* the enum ew_system a number was read on, -1: Linux */
	long number;                  /* the number read through a form, or -1 */
	uint64_t line;                /* 1-based line of the span's start */
	size_t start, len;            /* the span: see ew_identify() and ew_hit_fn */
	uint64_t offset;              /* the span's start in the whole input, in bytes */
	struct ew_context context;
};

/* Called for every hit, in input order. line is the hit's line without its newline (for a
 * line longer than 64 KiB, the 64 KiB around the span; for a text broken across lines, every
 * line it covers), and hit->start is the span's offset in it: the span lies within line.
 * Both are valid only during the call. A non-zero return stops the scan and is
 * returned by ew_scanner_feed() or ew_scanner_end(). */
typedef int (*ew_hit_fn)(const struct ew_hit *hit, const char *line, size_t line_len, void *ctx);

struct ew_scanner;

/* A streaming scanner over text of any length, in constant memory: feed it chunks as they come
 * (any bytes: NUL, invalid UTF-8), then end it. Returns 0, -ENOMEM, or -ELIBACC when the
 * matcher cannot be loaded (ew_identify_error() says why). */
int ew_scanner_new(struct ew_scanner **out, ew_hit_fn fn, void *ctx);
int ew_scanner_feed(struct ew_scanner *s, const void *data, size_t n);
int ew_scanner_end(struct ew_scanner *s); /* flushes the last line; feed no more after it */
void ew_scanner_free(struct ew_scanner *s); /* s may be NULL */
/* The hits in one message (text of n bytes), at most max written to out (see the lookup
 * contract above; hit->start is an offset in text). The same error found again on a later
 * line adds to the first hit's context rather than making a second one. Returns the count
 * written, or 0 with *total 0 on failure; err (may be NULL) gets 0 or a negative errno. */
size_t ew_identify(const char *text, size_t n, struct ew_hit *out, size_t max, size_t *total,
		   int *err);
struct ew_buf;

/* How a hit is shown (lib/render/hit.c). These append to b and return 0, -ENOMEM, or
 * -EINVAL for a NULL b or hit. */
/* "port 3000, address ::, listen": the context in words; nothing when there is none. */
int ew_render_hit_context(struct ew_buf *b, const struct ew_hit *h);
/* "Recognised EADDRINUSE (Node.js): port 3000, address ::, listen" and a newline. */
int ew_render_hit_line(struct ew_buf *b, const struct ew_hit *h);
/* One line of JSON: {"line":..,"family":..,"name":..,"text":..,"ecosystem":..,"context":{..}};
 * line (len bytes) is the text the hit's start and len point into. file, when not NULL, is
 * the name of the file it came from, put first as "file". */
int ew_render_hit_json(struct ew_buf *b, const struct ew_hit *h, const char *line, size_t len,
		       const char *file);
/* Whether two hits are the same error: the same entry, or the same resolver name. */
bool ew_hit_same_error(const struct ew_hit *a, const struct ew_hit *b);
/* Why the matcher could not be loaded ("libhs.so.5: cannot open shared object file ..."). */
const char *ew_identify_error(void);

/* ---- output buffers --------------------------------------------------------------------- */

/* A growable string. After a failed allocation it keeps its contents and sets failed, and
 * later appends do nothing, so a renderer checks once at the end.
 * The buffer owns data (NUL-terminated once anything was appended, NULL before); it lives until
 * ew_buf_free(), and any append may move it. Every function here does nothing when b is NULL,
 * and an append of a NULL string (s, fmt) appends nothing. */
struct ew_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

void ew_buf_init(struct ew_buf *b);
/* Frees data and leaves b empty, ready for use again. */
void ew_buf_free(struct ew_buf *b);
/* Appends n bytes of s (which may hold NULs); s is copied and need not outlive the call. */
void ew_buf_append(struct ew_buf *b, const char *s, size_t n);
void ew_buf_puts(struct ew_buf *b, const char *s);
void ew_buf_putc(struct ew_buf *b, char c);
void ew_buf_printf(struct ew_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ew_buf_vprintf(struct ew_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* ---- escaping outside data ------------------------------------------------------------- */

/* Appends s[0..n), data that came from outside errwhy (a process name, a command-line
 * argument, a cgroup path, a user name, a query), so that nothing in it can act on a terminal:
 * C0 and C1 controls (raw or UTF-8 encoded) and DEL, bytes that are not well-formed UTF-8
 * (overlong forms, surrogates, code points above U+10FFFF, cut sequences), bidirectional
 * controls (U+202E...) and line separators become visible escapes: \n, \t, \r, \xNN for a
 * byte, \uNNNN for a code point. Printable UTF-8 is kept as it is. At most max_chars
 * characters are appended (an escape counts as one; SIZE_MAX: no limit). Returns the bytes of
 * s consumed, so a caller can tell whether it was cut. b and s may be NULL (nothing happens). */
size_t ew_buf_append_escaped(struct ew_buf *b, const char *s, size_t n, size_t max_chars);
/* The same for a NUL-terminated s, whole. */
void ew_buf_put_escaped(struct ew_buf *b, const char *s);

/* ---- rendering -------------------------------------------------------------------------- */

struct ew_text_style {
	unsigned width;   /* wrap prose at this many columns */
	bool color;       /* ANSI colour and bold */
	bool label_match; /* say how the query was read: set when one query has several answers */
};

struct ew_port_report;
struct ew_oom_report;
struct ew_resolv_report;
struct ew_limits_report;
struct ew_path_report;

/* What live diagnosis found on this machine, shown as the "On this machine" section of a page.
 * NULL members (or a NULL pointer) mean nothing was looked at; the caller owns what they point
 * to, and renderers only read it during the call. Later diagnoses (a path, file
 * descriptor limits) become members here. The port is shown on every page; oom only on the
 * pages ew_oom_applies() names, resolver only on those ew_resolv_applies() names. */
struct ew_diagnosis {
	const struct ew_port_report *port;
	const struct ew_oom_report *oom;         /* "oom" in JSON */
	const struct ew_resolv_report *resolver; /* "resolver" in JSON */
	/* "limits" in JSON; on the pages ew_limits_applies() names, its parts of the report. */
	const struct ew_limits_report *limits;
	const struct ew_path_report *path;       /* "path" in JSON, on ew_path_applies() pages */
};

/* The renderers append to b and return 0, -ENOMEM when b failed to grow, or -EINVAL (and
 * append nothing) when b, a match or its entry is NULL, or a match's kind is not an
 * enum ew_match_kind. They keep no pointer to anything passed in. */

/* The reference page of one match. The match says how the query was read; st may be NULL
 * (80 columns, no colour), diag may be NULL (no "On this machine"). */
int ew_render_text(struct ew_buf *b, const struct ew_match *m, const struct ew_text_style *st,
		   const struct ew_diagnosis *diag);
/* "EADDRINUSE 98 Address already in use": the columns of moreutils errno -l. as_name is the
 * name to print (an alias); NULL means the entry's own. */
int ew_render_brief(struct ew_buf *b, const struct ew_entry *e, const char *as_name);
/* A JSON array of the n matches' entries (m may be NULL when n is 0), each with
 * "on_this_machine" when diag (which may be NULL) has anything. */
int ew_render_json(struct ew_buf *b, const struct ew_match *m, size_t n, bool pretty,
		   const struct ew_diagnosis *diag);

/* ---- port diagnosis (lib/diagnose/) ----------------------------------------------------- */
/* PORT-API-BEGIN: declarations of lib/diagnose/ go here */
/* Pointers: every pointer parameter must be valid unless its comment says it may be NULL; a
 * function given NULL where that is not allowed returns -EINVAL (or does nothing) rather than
 * crash. Reports and their strings belong to the report until ew_port_report_free(). All text
 * in a holder (comm, argv, user, unit, container id, proxy address) comes from other processes:
 * it is raw bytes, printed only through ew_buf_put_escaped() and the renderers below. */

/* Which protocols a port question covers: a bit mask. */
#define EW_PORT_TCP (1u << 0)
#define EW_PORT_UDP (1u << 1)

/* How ew_port_report_build() looks for holders. */
#define EW_PORT_ALL_HOLDERS (1u << 4) /* read every process, not only until each socket has one */
#define EW_PORT_NO_HOLDERS (1u << 5)  /* sockets and verdict only: no /proc scan (for polling) */

/* In order of how much stands in a server's way; the report's verdict is the worst of its
 * protocols'. */
enum ew_port_verdict {
	EW_PORT_FREE,      /* no socket is bound to the port */
	EW_PORT_TIME_WAIT, /* only sockets the kernel keeps after a close: TIME_WAIT, orphans */
	EW_PORT_CONNECTED, /* processes hold connections on it (ESTABLISHED, CLOSE_WAIT, ...), but
			    * nothing listens or is bound alone: a SO_REUSEADDR server may bind */
	EW_PORT_IN_USE     /* a TCP listener or bound socket, or a UDP socket */
};

/* How much of the system's processes errwhy could see. */
enum ew_port_proc_view {
	EW_PROC_FULL,    /* /proc lists every process of this PID namespace */
	EW_PROC_HIDEPID, /* /proc is mounted with hidepid: other users' processes are hidden */
	EW_PROC_MISSING  /* /proc is not mounted (or not readable): no holder can be named */
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
	uint64_t cgroup_id;   /* the cgroup (v2) of the socket's creator, from sock_diag; 0 unknown */
};

struct ew_port_report {
	uint16_t port;
	unsigned protos;                 /* EW_PORT_TCP | EW_PORT_UDP: what was asked */
	struct ew_port_socket *sockets;  /* listening and bound first */
	size_t n_sockets;
	struct ew_port_holder **procs;   /* every holder once, by pid */
	size_t n_procs;
	enum ew_port_verdict verdict;    /* the worst of tcp and udp (of those asked) */
	enum ew_port_verdict tcp, udp;   /* each protocol's own */
	bool complete;       /* every readable process was read (EW_PORT_ALL_HOLDERS) */
	bool holders_looked; /* holders were looked for (not EW_PORT_NO_HOLDERS) */
	bool hidden_holders; /* a socket has no visible holder and some processes were unreadable */
	unsigned unreadable; /* processes whose open files we may not read */
	int *unreadable_pids; /* their pids, unreadable of them */
	enum ew_port_proc_view proc_view;
	/* Trial binds on the wildcard address, made when the verdict is TIME_WAIT or CONNECTED:
	 * 1 the bind succeeded, 0 EADDRINUSE, -1 not tried or not possible (then trial_error). */
	int bindable_reuse;  /* as a server that sets SO_REUSEADDR */
	int bindable_strict; /* as one that does not */
	int trial_error;     /* why a trial bind could not be made: -EACCES, ...; 0 */
	/* Binding ports below net.ipv4.ip_unprivileged_port_start needs root or
	 * CAP_NET_BIND_SERVICE: needs_privilege says this caller lacks it for this port. */
	int unprivileged_port_start; /* -1 unknown */
	bool needs_privilege;
	uint32_t caller_uid; /* the effective uid the report was made as */
};

/* Everything bound to port in this network namespace, its holders and a verdict.
 * flags: EW_PORT_TCP and/or EW_PORT_UDP (neither means both), EW_PORT_ALL_HOLDERS or
 * EW_PORT_NO_HOLDERS. *out gets a report to free with ew_port_report_free(). Returns 0, or a
 * negative errno: -EINVAL (out NULL or port 0), -ELIBACC when libmnl.so.0 cannot be loaded. */
int ew_port_report_build(struct ew_port_report **out, uint16_t port, unsigned flags);
void ew_port_report_free(struct ew_port_report *r); /* r may be NULL */

/* Whether a server could bind the report's port now, on the wildcard address of both
 * families, for every protocol asked: 1 yes, 0 no, -1 unknown (a trial bind could not be
 * made: r->trial_error says why). strict: as a server that does not set SO_REUSEADDR. The one
 * answer behind errwhy port's exit status and --wait. */
int ew_port_can_bind(const struct ew_port_report *r, bool strict);

/* Parses a port number 1..65535 ("3000", decimal digits only) into *port; -EINVAL or -ERANGE
 * otherwise (and for a NULL text or port). */
int ew_port_parse(const char *text, uint16_t *port);
const char *ew_port_verdict_key(enum ew_port_verdict v); /* "in_use"; "unknown" out of range */
const char *ew_port_state_name(int state);               /* "LISTEN", "TIME_WAIT"; "UNKNOWN" */
const char *ew_port_proc_view_key(enum ew_port_proc_view v); /* "full", "hidepid", "missing" */
/* Why a call failed (err negative or positive), for errors the errno text says badly
 * (-ELIBACC); else strerror's text. Never NULL, whatever err is (INT_MIN included). */
const char *ew_port_strerror(int err);

/* Whether a server could bind port (1..65535) on the wildcard address of both families now: 1
 * yes, 0 no, or a negative errno (-EACCES below ip_unprivileged_port_start, -EINVAL for port
 * 0). reuse: as one that sets SO_REUSEADDR (which TCP TIME_WAIT sockets of a server that set it
 * too do not block). */
int ew_port_bindable(uint16_t port, unsigned protos, bool reuse);
/* A port in lo..hi that both IPv4 and IPv6 can bind now (strictly: no TIME_WAIT either), the
 * lowest first, in *out; lo == 0 asks the kernel for an ephemeral one. -EADDRNOTAVAIL if none
 * is; -EINVAL when out is NULL or hi < lo. */
int ew_port_find_free(uint16_t lo, uint16_t hi, unsigned protos, uint16_t *out);

/* What /proc says of one process (a holder's parent, say) in the shape of a holder: 0,
 * -ESRCH when it is gone, -EINVAL for NULL, or another negative errno. Clear it with
 * ew_port_holder_clear(), which is safe on a cleared or zeroed holder. */
int ew_port_holder_read(int pid, struct ew_port_holder *h);
void ew_port_holder_clear(struct ew_port_holder *h);

/* Whether errwhy may signal pid: 0, or -EPERM with *why set ("PID 1", "errwhy itself",
 * "an ancestor of errwhy", "not a single process" for pid <= 0, which kill(2) would take as
 * a process group or every process). why may be NULL; *why is a static string. */
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
 * may not be signalled, -EINVAL for a NULL r or out or a signal outside 1..SIGRTMAX, or
 * another negative errno. */
int ew_port_stop(const struct ew_port_report *r, int sig, uint64_t timeout_ms,
		 struct ew_port_stop_result *out);

/* Render a report: the text (the "On this machine" section of a lookup uses the same), and
 * JSON in the shape documented in errwhy(1). All return 0, -ENOMEM, or -EINVAL for NULL. */
int ew_render_port_text(struct ew_buf *b, const struct ew_port_report *r,
			const struct ew_text_style *st);
/* The verdict alone, on one line: "in use: node (pid 4121, ...) listens on [::]:3000". */
int ew_render_port_verdict(struct ew_buf *b, const struct ew_port_report *r);
/* lead (may be NULL) and the verdict as a paragraph wrapped to st->width. */
int ew_render_port_verdict_wrapped(struct ew_buf *b, const char *lead,
				   const struct ew_port_report *r, const struct ew_text_style *st);
int ew_render_port_json(struct ew_buf *b, const struct ew_port_report *r, bool pretty);
/* What ew_port_stop() did, one line per process. sig is the first signal sent. res may be
 * NULL when n is 0. */
int ew_render_port_stop_text(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig);
/* {"port":..,"stopped":[...],"after":{report}}: the outcome of --kill --json. after may be
 * NULL. */
int ew_render_port_stop_json(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig, const struct ew_port_report *after, bool pretty);
/* The name of a signal number, "SIGTERM", "SIGRTMIN+3"; NULL for one that is not valid
 * here. And the reverse: "TERM", "SIGTERM", "term", "RTMIN+3" or "15" -> 15; -1 if none
 * (glibc's internal 32 and 33 are not valid). */
const char *ew_signal_name(int sig);
int ew_signal_parse(const char *text);
/* PORT-API-END */

/* OOM-API-BEGIN */
/* ---- OOM and resolver diagnosis (lib/diagnose/oom*.c, resolv.c) ------------------------- */
/* Reports belong to themselves until their _free(); all text in them (cgroup paths, comm,
 * kernel log text, file lines) is raw bytes from the system, printed only through
 * ew_buf_put_escaped() and the renderers below. Errors are negative errnos, as elsewhere. */

#define EW_OOM_MAX_KILLS 8 /* the last kills kept from the kernel log */

/* Which cgroup an OOM question is about: at most one of pid, unit, container_id, cgroup;
 * none means the caller's own. The roots are for tests (fixture trees); NULL means /proc,
 * /sys/fs/cgroup and /dev/kmsg. */
struct ew_oom_query {
	int pid;                  /* 0: not asked */
	const char *unit;         /* "nginx.service", a system or a user unit */
	const char *container_id; /* a container's id or a prefix of it (12 hex digits or more) */
	const char *cgroup;       /* "/system.slice/foo.service", relative to the cgroup root */
	const char *proc_root, *cgroup_root, *kmsg_path;
};

/* memory.events of one cgroup (v2). error is 0 when read, else why not (-ENOENT, -EACCES). */
struct ew_oom_events {
	char *path; /* the cgroup, "/system.slice" */
	int error;
	uint64_t oom, oom_kill, max, high, oom_group_kill;
	bool has_group_kill; /* the kernel has the oom_group_kill counter (5.17+) */
};

/* The tightest value of one limit on the path from the cgroup to the root. */
struct ew_oom_limit {
	bool set;      /* some cgroup on the path sets it (not "max") */
	uint64_t bytes;
	char *where;   /* the cgroup that sets it, or NULL */
};

/* One kill from the kernel log: "Out of memory: Killed process 1234 (java) ..." or the
 * "Memory cgroup out of memory:" form, with the oom-kill: line before it merged in. */
struct ew_oom_kill {
	int pid;
	char comm[64];
	uint64_t anon_rss_kb, total_vm_kb;
	uint32_t uid;       /* (uint32_t)-1 unknown */
	bool memcg_oom;     /* a cgroup's limit was hit ("Memory cgroup out of memory") */
	char *memcg;        /* task_memcg from the oom-kill: line, or NULL */
	char *constraint;   /* "CONSTRAINT_MEMCG", "CONSTRAINT_NONE", or NULL */
	uint64_t boot_usec; /* the kmsg timestamp: microseconds since boot */
	int64_t wall_usec;  /* the same as microseconds since the epoch (CLOCK_REALTIME) */
};

struct ew_oom_report {
	int cgroup_version;  /* 2, 1 (only v1 memory controller mounted), or 0 none found */
	char *cgroup;        /* the cgroup examined, "/system.slice/foo.service"; NULL unknown */
	int cgroup_error;    /* why no cgroup could be named: -ESRCH (no such pid), -ENOENT */
	struct ew_oom_events events;       /* of the cgroup itself (v2) */
	struct ew_oom_events *ancestors;   /* its parents, nearest first, to the root's child */
	size_t n_ancestors;
	struct ew_oom_limit memory_max, memory_high, swap_max;
	int64_t current, peak; /* memory.current, memory.peak in bytes; -1 absent */
	/* cgroup v1 ("cgroup v1: memory.oom_control"): -1 unknown. */
	int v1_under_oom;
	int64_t v1_oom_kill;
	int v1_error;
	/* The kernel log. kmsg_error: 0 read, else why not (-EPERM with dmesg_restrict=1). */
	const char *kmsg_path;
	int kmsg_error;
	int dmesg_restrict;  /* kernel.dmesg_restrict: 0, 1, -1 unknown */
	struct ew_oom_kill kills[EW_OOM_MAX_KILLS]; /* oldest first */
	size_t n_kills;
	size_t kills_seen;   /* every kill line read, n_kills of them kept */
};

/* Reads the cgroup, its ancestors' counters and limits, and the kernel log. q may be NULL
 * (the caller's own cgroup). 0 with *out a report even when sources could not be read (each
 * says its errno); -EINVAL (out NULL, or more than one of pid/unit/container_id/cgroup, or a
 * cgroup path with ".."), -ENOMEM. Sends nothing anywhere and changes nothing. */
int ew_oom_report_build(struct ew_oom_report **out, const struct ew_oom_query *q);
void ew_oom_report_free(struct ew_oom_report *r); /* r may be NULL */
/* The most recent kill in the report's cgroup or below it, or NULL. */
const struct ew_oom_kill *ew_oom_last_kill(const struct ew_oom_report *r);
/* Whether an OOM report belongs on e's page: SIGKILL, and the exit status 128+SIGKILL (137).
 * false for NULL. */
bool ew_oom_applies(const struct ew_entry *e);

/* A verdict line first ("the OOM killer killed java (pid 1234) 3 min ago in
 * /system.slice/foo.service (memory.max 512M)", "no OOM kill recorded for ...: memory.events
 * oom_kill 0", "could not tell whether the OOM killer struck: ..."), then the details. st may
 * be NULL. 0, -ENOMEM, -EINVAL. */
int ew_render_oom_text(struct ew_buf *b, const struct ew_oom_report *r,
		       const struct ew_text_style *st);
/* The verdict line alone, without a newline. */
int ew_render_oom_verdict(struct ew_buf *b, const struct ew_oom_report *r);
/* One object: {"verdict": "killed"|"no_kill"|"unknown", "summary": the verdict line,
 * "cgroup_version": 2|1|0, "cgroup": path|null, "cgroup_error": text|null,
 * "events": EV, "ancestors": [EV...] (nearest first), where EV is {"path", "error": text|null,
 * "oom", "oom_kill", "max", "high", "oom_group_kill": n|null},
 * "limits": {"memory.max"|"memory.high"|"memory.swap.max": {"bytes": n, "where": path} | null},
 * "memory.current", "memory.peak": n|null,
 * "v1": {"under_oom": n|null, "oom_kill": n|null, "error": text|null} (cgroup v1 only, else null),
 * "kmsg": {"path", "error": text|null, "dmesg_restrict": n|null, "kills_seen": n},
 * "kills": [{"pid", "comm", "anon_rss_kb", "total_vm_kb", "uid": n|null, "memcg_oom": bool,
 *            "memcg": path|null, "constraint": text|null, "boot_usec", "time": ISO-8601 UTC}]}.
 * Text not UTF-8 has U+FFFD for each bad byte. */
int ew_render_oom_json(struct ew_buf *b, const struct ew_oom_report *r, bool pretty);

/* Where the resolver's configuration is read; NULL members (or NULL) mean /etc's. */
struct ew_resolv_paths {
	const char *nsswitch_conf, *resolv_conf, *hosts;
};

/* A line of /etc/hosts that names the name asked about. */
struct ew_resolv_hosts_line {
	unsigned line; /* 1-based */
	char *text;
};

struct ew_resolv_report {
	char *name;              /* the name asked about, or NULL */
	/* nsswitch.conf: the hosts: sources in order, actions ("[NOTFOUND=return]") kept as
	 * their own entries. */
	int nsswitch_error;
	bool hosts_line_found;
	char **hosts_sources;
	size_t n_hosts_sources;
	/* resolv.conf */
	int resolv_error;
	char *resolv_link;       /* where the symlink points, or NULL when it is a plain file */
	bool stub;               /* systemd-resolved's stub: nameserver 127.0.0.53 (or .54) */
	char **nameservers;
	size_t n_nameservers;
	char **search;
	size_t n_search;
	int ndots, timeout, attempts; /* glibc's defaults 1, 5, 2 when not set */
	bool rotate, edns0;
	/* /etc/hosts */
	int hosts_error;
	struct ew_resolv_hosts_line *hosts_lines;
	size_t n_hosts_lines;
	/* The name itself (when given). */
	unsigned name_dots;
	bool absolute;           /* a trailing dot: the search list is not used */
	bool search_first;       /* fewer dots than ndots: the search domains are tried first */
	const char *invalid;     /* why the name is not a valid host name (static), or NULL */
};

/* Reads the configuration, and checks name (may be NULL) against it. Never sends a query.
 * 0 with *out set even when files are missing (each says its errno); -EINVAL, -ENOMEM. */
int ew_resolv_report_build(struct ew_resolv_report **out, const char *name,
			   const struct ew_resolv_paths *paths);
void ew_resolv_report_free(struct ew_resolv_report *r); /* r may be NULL */
/* Why name is not a valid host name ("a label longer than 63 bytes", ...), or NULL. */
const char *ew_resolv_name_invalid(const char *name);
/* Whether a resolver report belongs on e's page: every getaddrinfo code (EW_FAMILY_RESOLVER).
 * false for NULL. */
bool ew_resolv_applies(const struct ew_entry *e);
/* Text: what the name runs into first (invalid, /etc/hosts, search domains), then the
 * configuration. JSON: {"name", "invalid": text|null, "dots", "absolute", "search_first",
 * "nsswitch": {"error", "hosts": [source...]|null}, "resolv_conf": {"error", "link": path|null,
 * "systemd_resolved_stub", "nameservers": [], "search": [], "options": {"ndots", "timeout",
 * "attempts", "rotate", "edns0"}}, "hosts": {"error", "lines": [{"line", "text"}]}}; every
 * "error" is strerror text or null. */
int ew_render_resolv_text(struct ew_buf *b, const struct ew_resolv_report *r,
			  const struct ew_text_style *st);
int ew_render_resolv_json(struct ew_buf *b, const struct ew_resolv_report *r, bool pretty);
/* OOM-API-END */

/* LIMITS-API-BEGIN */
/* ---- resource limits (lib/diagnose/limits*.c) ------------------------------------------- */
/* Where one process stands against the limits behind EMFILE, ENFILE, ENOSPC from inotify,
 * EAGAIN from fork and ENOMEM from mmap. Read from /proc alone; no limit is ever changed.
 * Reports belong to themselves until ew_limits_report_free(); text in them (comm, paths, user
 * and unit names) is raw bytes, printed only through ew_buf_put_escaped() and the renderers. */

/* The parts of a report: a bit mask. */
#define EW_LIMITS_FDS (1u << 0)          /* its open fds against RLIMIT_NOFILE: EMFILE */
#define EW_LIMITS_SYSTEM_FILES (1u << 1) /* the system's open files against fs.file-max: ENFILE */
#define EW_LIMITS_INOTIFY (1u << 2)      /* its user's inotify instances and watches */
#define EW_LIMITS_PROCESSES (1u << 3)    /* its user's threads against RLIMIT_NPROC: EAGAIN */
#define EW_LIMITS_MAPS (1u << 4)         /* its memory maps against vm.max_map_count: ENOMEM */
#define EW_LIMITS_ALL 0x1fu

#define EW_LIMIT_UNLIMITED UINT64_MAX /* an rlimit of RLIM_INFINITY ("unlimited") */
#define EW_LIMITS_TOP 5               /* the largest holders kept in a list */

/* One group of a process's fds: a path (files, devices), an anon inode's kind
 * ("anon_inode:[eventfd]"), or "socket" / "pipe" for all of those. */
struct ew_limits_fd_group {
	char *target;
	const char *kind; /* "file", "device", "socket", "pipe", "anon", "other" */
	uint64_t count;
};

struct ew_limits_fds {
	int error;          /* 0, or why /proc/PID/fd could not be read (-EACCES) */
	uint64_t open;
	uint64_t socket, pipe, file, device, anon, other; /* open, by kind */
	struct ew_limits_fd_group top[EW_LIMITS_TOP];     /* the largest groups, largest first */
	size_t n_top;
	int limit_error;    /* 0, or why /proc/PID/limits could not be read */
	uint64_t soft, hard; /* RLIMIT_NOFILE; EW_LIMIT_UNLIMITED */
	int64_t nr_open;    /* fs.nr_open, the ceiling of the hard limit; -1 unknown */
};

struct ew_limits_system_files {
	int error;          /* why /proc/sys/fs/file-nr could not be read, or 0 */
	uint64_t open;      /* allocated file handles (file-nr's first field) */
	uint64_t max;       /* fs.file-max (file-nr's third) */
};

/* A process of the user that holds inotify instances. */
struct ew_limits_watcher {
	int pid;
	char comm[17];
	uint64_t instances, watches;
};

struct ew_limits_inotify {
	int error;          /* the walk over /proc could not run (-ENOENT: no /proc), or 0 */
	uint64_t instances, watches; /* of the user, in the processes that could be read */
	int64_t max_instances, max_watches; /* fs.inotify.max_user_*; -1 unknown */
	struct ew_limits_watcher top[EW_LIMITS_TOP]; /* most watches first */
	size_t n_top;
	unsigned unreadable; /* the user's processes whose fds could not be read */
};

struct ew_limits_processes {
	int error;          /* the walk over /proc could not run, or 0 */
	uint64_t processes, threads; /* of the user (its real uid) */
	int limit_error;
	uint64_t soft, hard; /* RLIMIT_NPROC of the process */
	int64_t threads_max; /* kernel.threads-max; -1 unknown */
	int64_t system_threads; /* every thread on the system (/proc/loadavg); -1 unknown */
};

struct ew_limits_maps {
	int error;          /* why /proc/PID/maps could not be read (-EACCES), or 0 */
	uint64_t count;
	int64_t max;        /* vm.max_map_count; -1 unknown */
};

struct ew_limits_report {
	unsigned parts;      /* the parts looked at (EW_LIMITS_*) */
	int pid;
	bool parent;         /* pid is the caller's parent (none was named) */
	char comm[17];
	uint32_t uid;        /* the real uid */
	char *user;          /* its name, or NULL */
	char *unit;          /* the systemd unit the process runs in, or NULL */
	bool user_unit;      /* a unit of a user's manager (systemctl --user) */
	char *container;     /* "docker", "podman", ... when it runs in a container, or NULL */
	uint32_t caller_uid; /* the effective uid the report was made as */
	struct ew_limits_fds fds;
	struct ew_limits_system_files system_files;
	struct ew_limits_inotify inotify;
	struct ew_limits_processes processes;
	struct ew_limits_maps maps;
};

/* Reads the parts (EW_LIMITS_*; 0 means all) for pid, or for the caller's parent when pid is
 * 0. 0 with *out a report even when some sources could not be read (each part says its
 * errno); -ESRCH no such process, -EINVAL (out NULL, pid < 0), -ENOMEM. */
int ew_limits_report_build(struct ew_limits_report **out, int pid, unsigned parts);
void ew_limits_report_free(struct ew_limits_report *r); /* r may be NULL */
/* The parts that belong on e's page: EMFILE the fds and inotify (inotify_init's EMFILE),
 * ENFILE the system's files, ENOSPC inotify (inotify_add_watch's ENOSPC; a full disk is not
 * a limit of the process), EAGAIN the processes (fork's), ENOMEM the maps (mmap's); 0 for
 * every other entry and NULL. */
unsigned ew_limits_applies(const struct ew_entry *e);

/* Text: a verdict line (the closest limit), then each part: how far it is used ("60 of 64
 * (94%)") and what would raise it. parts limits what is shown to those parts of the report
 * (EW_LIMITS_ALL: everything it has). JSON: {"pid", "comm", "uid", "user", "unit",
 * "container", "parent", "summary", and for each part looked at: "fds": {"open", "soft",
 * "hard", "nr_open", "kinds": {"socket", "pipe", "file", "device", "anon", "other"},
 * "top": [{"target", "kind", "count"}], "error", "limits_error"}, "system_files": {"open",
 * "max", "error"}, "inotify": {"instances", "max_instances", "watches", "max_watches",
 * "top": [{"pid", "comm", "instances", "watches"}], "unreadable", "error"}, "processes":
 * {"user", "uid", "processes", "threads", "soft", "hard", "threads_max", "system_threads",
 * "error", "limits_error"}, "maps": {"count", "max", "error"}}; a count that could not be
 * read is null (its "error" says why, strerror's text), an unlimited rlimit "unlimited". */
int ew_render_limits_text(struct ew_buf *b, const struct ew_limits_report *r, unsigned parts,
			  const struct ew_text_style *st);
/* The verdict line alone, without a newline. */
int ew_render_limits_verdict(struct ew_buf *b, const struct ew_limits_report *r,
			     unsigned parts);
int ew_render_limits_json(struct ew_buf *b, const struct ew_limits_report *r, unsigned parts,
			  bool pretty);
/* LIMITS-API-END */
/* PATH-API-BEGIN */
/* ---- path diagnosis (lib/diagnose/path*.c) ------------------------------------------------ */
/* Why an operation on a path would fail, for whom: the path walked one component at a time as
 * path_resolution(7) describes, each component's type, mode, owner, ACL and mount, and one
 * verdict naming the errno, the component and the rule. Nothing is created, written,
 * truncated, deleted or executed to find out. All names in a report (paths, symlink targets,
 * user and group names, mount targets, comm) are raw bytes from the system, printed only
 * through ew_buf_put_escaped() and the renderers below. */

enum ew_path_op {
	EW_PATH_READ,   /* open(O_RDONLY) and read(2) */
	EW_PATH_WRITE,  /* open(O_WRONLY|O_CREAT) and write(2): a missing file is created */
	EW_PATH_CREATE, /* a new name: open(O_CREAT|O_EXCL), mkdir(2) */
	EW_PATH_DELETE, /* unlink(2) a file, rmdir(2) a directory; the last symlink not followed */
	EW_PATH_EXEC,   /* execve(2) */
	EW_PATH_LIST,   /* opendir(3) and readdir(3): read permission on a directory */
	EW_PATH_SEARCH, /* chdir(2), or a lookup through it: search permission on a directory */
	EW_PATH_RENAME  /* rename(2) to ew_path_query.rename_to */
};

struct ew_path_query {
	const char *path;      /* relative paths start at the current directory */
	enum ew_path_op op;
	const char *user;      /* a name or a uid ("nobody", "65534"); NULL: the caller. A uid
				* with no passwd entry is judged with the gid of that number */
	const char *rename_to; /* with op EW_PATH_RENAME: the new name */
};

/* The mount a component lives on, as /proc/self/mountinfo has it. */
struct ew_path_mount {
	int id;              /* mountinfo's mount ID, statx's stx_mnt_id; -1 unknown */
	char *target;        /* where it is mounted: "/", "/mnt/data" */
	char *fstype;        /* "ext4", "tmpfs" */
	bool ro;             /* read-only: the mount's or the superblock's "ro" */
	bool noexec, nosuid, nodev;
};

struct ew_path_component {
	char *path;          /* as the walk reached it, absolute: "/srv/app" */
	uint32_t mode;       /* st_mode: type and permission bits */
	uint32_t uid, gid;
	char *owner, *group; /* names, or NULL when the ids have none */
	bool acl;            /* an access ACL beyond the mode (acl(5)) */
	char *target;        /* a symlink's target as readlink(2) gives it, else NULL */
	const struct ew_path_mount *mount; /* NULL when the mount table could not be read */
	bool immutable, append_only, mount_root; /* statx attributes */
};

struct ew_path_report {
	char *path;          /* the path asked about, as given */
	enum ew_path_op op;
	char *rename_to;     /* EW_PATH_RENAME: the new name, else NULL */
	char *user;          /* the name of the user judged for ("nobody"), or NULL */
	uint32_t uid;
	bool for_caller;     /* judged for errwhy's own credentials */
	struct ew_path_component *components; /* in walk order, the existing ones */
	size_t n_components;
	struct ew_path_mount *mounts; /* every mount a component lives on */
	size_t n_mounts;
	int mount_error;     /* why the mount table could not be read (-ELIBACC ...), or 0 */
	int verdict;         /* 0: the operation would succeed; else the (positive) errno */
	char *component;     /* the component the verdict names, or NULL for ok */
	char *reason;        /* the verdict in words, without "ERRNO: " ("/srv/app (drwx------ root
			      * root) has no search permission for nobody ..."), never NULL */
	bool confirmed;      /* a read-only check by the kernel, as that user, agrees */
	int kernel;          /* what that check got: 0 success, a positive errno; -1 not made */
	char *confirmation;  /* what was checked and how, or why nothing could be; never NULL */
};

/* Walks q->path and judges q->op for q->user (or the caller). As root, the verdict is
 * confirmed in a forked child that takes the user's uid, gid and groups and makes only
 * read-only calls (open(O_PATH), faccessat(AT_EACCESS), statx, statfs); otherwise only for
 * the caller. 0 with *out a report (whatever the verdict); -EINVAL (NULL, empty path, an op
 * outside the enum, rename without rename_to), -ESRCH for an unknown user, -ENOMEM. */
int ew_path_report_build(struct ew_path_report **out, const struct ew_path_query *q);
void ew_path_report_free(struct ew_path_report *r); /* r may be NULL */
/* "read", "write", ... "rename"; "?" outside the enum. And back: -1 for an unknown word. */
const char *ew_path_op_key(enum ew_path_op op);
int ew_path_op_parse(const char *word);
/* The errno name of a report's verdict, "ok" for 0. */
const char *ew_path_verdict_key(const struct ew_path_report *r);
/* Whether a path report belongs on e's page: ENOENT EACCES EPERM EROFS ENOSPC ENOTDIR EISDIR
 * ELOOP ENAMETOOLONG ETXTBSY EXDEV EEXIST EBUSY. false for NULL. */
bool ew_path_applies(const struct ew_entry *e);
/* "drwxr-xr-x" (10 characters and a NUL) for a st_mode, as ls -l writes it. */
void ew_path_mode_string(uint32_t mode, char out[11]);

/* Text: the components table (path, type, mode, owner, group, +acl, -> target, mount), then
 * "ERRNO: reason" or "ok: ...", then how it was confirmed. The verdict line alone (no
 * newline) for short uses. JSON: {"path","operation","rename_to","user":{"name","uid"},
 * "verdict": "ok"|errno name, "component": path|null, "reason", "confirmed", "kernel": "ok"|
 * errno name|null, "confirmation", "mount_error": text|null, "components": [{"path","type":
 * "dir"|"file"|"symlink"|"char"|"block"|"fifo"|"socket", "mode": "0755", "owner", "group",
 * "acl", "target": text|null, "immutable", "append_only", "mount": {"target","fstype",
 * "options": ["rw"|"ro", "noexec", "nosuid", "nodev"]}|null}]}. 0, -ENOMEM, -EINVAL. */
int ew_render_path_text(struct ew_buf *b, const struct ew_path_report *r,
			const struct ew_text_style *st);
int ew_render_path_verdict(struct ew_buf *b, const struct ew_path_report *r);
int ew_render_path_json(struct ew_buf *b, const struct ew_path_report *r, bool pretty);
/* PATH-API-END */

/* ---- built-in reproductions (lib/repro/) ------------------------------------------------- */
/* An entry's reproduction is a C routine compiled from its catalog file (catalog/README.md,
 * "Built-in reproduction"). It runs in a forked child, in a private directory removed
 * afterwards, in its own process group killed when it returns or runs past its time limit. */

enum ew_repro_result {
	EW_REPRO_REPRODUCED, /* the call failed with exactly the entry's errno */
	EW_REPRO_MISMATCH,   /* it failed with another errno, or succeeded */
	EW_REPRO_SKIPPED,    /* this machine cannot run it (no namespaces, no privilege) */
	EW_REPRO_FAILED      /* a set-up step failed, or the child crashed or timed out */
};

/* What one run did. Every string belongs to the report until ew_repro_report_free(). */
struct ew_repro_report {
	const struct ew_entry *entry;
	enum ew_repro_result result;
	char **steps;        /* what it did, one line each, in order */
	size_t n_steps;
	char *call;          /* the call under test ("bind(127.0.0.1:41237)"), NULL if none named */
	int got;             /* the value the call produced (see lib/repro/repro.h): an errno, 0
			      * it succeeded, a signal, ...; EW_REPRO_NO_VALUE: none came back */
	char *reason;        /* why it was skipped, failed or mismatched; NULL when reproduced */
	char *dir;           /* the private directory it ran in */
	int cleanup_error;   /* 0, or -errno: the private directory could not be removed whole */
};

#define EW_REPRO_NO_VALUE INT32_MIN

/* Whether e has a built-in reproduction. */
bool ew_repro_available(const struct ew_entry *e);
/* Runs e's reproduction and fills *out (free it with ew_repro_report_free() whenever this
 * returns 0). Returns 0 whatever the outcome, -ENOENT when e has none, -EINVAL for NULL, or a
 * negative errno when the run could not be set up (a pipe, fork or the private directory). */
int ew_repro_run(const struct ew_entry *e, struct ew_repro_report *out);
void ew_repro_report_free(struct ew_repro_report *r); /* r may be NULL; leaves it empty */
const char *ew_repro_result_key(enum ew_repro_result res); /* "reproduced"; "?" outside */
/* The name of an errno value on this system ("EADDRINUSE", an entry's own name for an alias's
 * number), "success" for 0, or NULL for a number no entry has. */
const char *ew_repro_errno_name(int number);
/* The same in any family: "SIGKILL" for (EW_FAMILY_SIGNAL, 9), "137" for an exit status with
 * an entry; NULL when no entry of the family has the number. */
const char *ew_family_number_name(enum ew_family family, int number);

/* What `errwhy repro NAME` prints of one report: its steps, the call, the errno it got and
 * whether that is the one expected. */
int ew_render_repro_text(struct ew_buf *b, const struct ew_repro_report *r);
/* One row of the --all table (name, result, the call or the reason), and the header. */
int ew_render_repro_row(struct ew_buf *b, const struct ew_repro_report *r);
int ew_render_repro_header(struct ew_buf *b);
/* "N reproduced, N mismatch, N skipped, N failed (N distinct names)" and a newline. */
int ew_render_repro_summary(struct ew_buf *b, const struct ew_repro_report *r, size_t n);
/* A JSON array of n reports: [{"name","result","call","got","reason"}]; call, got and reason
 * are null when absent. */
int ew_render_repro_json(struct ew_buf *b, const struct ew_repro_report *r, size_t n,
			 bool pretty);

/* ---- the web catalog (lib/render/html*.c, lib/answer.c) ----------------------------------- */
/* The same entries as the text and JSON pages, as HTML: `errwhy serve` renders every page once
 * at start-up and serves it from memory; `errwhy site DIR` writes the same pages to files. */

/* Where a page's links point. */
enum ew_html_mode {
	EW_HTML_SERVER, /* absolute paths: /, /FAMILY/NAME (/signal/SIGKILL), /search,
			 * /assets/errwhy.css */
	EW_HTML_SITE    /* relative links between files: index.html, FAMILY/NAME.html; no server
			 * search (the search box filters the index, with JavaScript only) */
};

/* Every page is a whole HTML5 document in UTF-8 that refers to nothing but the assets below:
 * no outside fonts, scripts or styles, nothing inline that a strict Content-Security-Policy
 * (default-src 'none'; style-src 'self'; script-src 'self') would block. It reads without
 * JavaScript; the script adds copy buttons and filters the index as one types. Each appends to
 * b and returns 0, -ENOMEM, or -EINVAL for a NULL argument or a mode outside the enum. */

/* "All Linux / POSIX errors": every entry grouped by family, errno first, each family a
 * table with the columns that identify its entries (an exit status and its symbol, a signal's
 * name, number and default action), and the search box. */
int ew_render_html_index(struct ew_buf *b, enum ew_html_mode mode);
/* One entry's page: every section of ew_render_text(), an anchor on each. */
int ew_render_html_entry(struct ew_buf *b, const struct ew_entry *e, enum ew_html_mode mode);
/* The page of an alias (EWOULDBLOCK): the name it stands for on Linux, linked. The server
 * redirects instead; the static export, which cannot, writes this. */
int ew_render_html_alias(struct ew_buf *b, const struct ew_entry *e, const char *alias,
			 enum ew_html_mode mode);
struct ew_answer;
/* The answers to a search-box query (a server page: EW_HTML_SERVER links). */
int ew_render_html_search(struct ew_buf *b, const struct ew_answer *a);
/* "Not found" for the path asked (outside data: escaped), with the names close to its last
 * part ("/errno/EADRINUSE": did you mean EADDRINUSE?). path may hold any bytes. */
int ew_render_html_not_found(struct ew_buf *b, const char *path, size_t len,
			     enum ew_html_mode mode);

/* The files every page refers to (the style sheet, the script), compiled in from web/assets/. */
struct ew_asset {
	const char *path; /* from the site's root, without a leading slash: "assets/errwhy.css" */
	const char *type; /* the Content-Type: "text/css; charset=utf-8" */
	const char *data;
	size_t len;
};
size_t ew_asset_count(void);
const struct ew_asset *ew_asset_at(size_t index); /* NULL past the end */

/* What a search box query means, read as the command line reads its arguments: a name, a
 * number or a strerror text (ew_lookup()); else a pasted message (ew_identify()); else words
 * that entries mention (ew_search()); else nothing, with the names close to it. */
enum ew_answer_kind {
	EW_ANSWER_NONE,    /* nothing; suggest may hold close names */
	EW_ANSWER_LOOKUP,  /* matches as ew_lookup() labels them */
	EW_ANSWER_MESSAGE, /* matches of kind EW_MATCH_MESSAGE, each with its hit and hit_text */
	EW_ANSWER_SEARCH   /* matches of kind EW_MATCH_NAME, best first */
};

/* Owns everything it points to, until ew_answer_free(). */
struct ew_answer {
	enum ew_answer_kind kind;
	char *query;       /* a copy of the query, raw bytes, NUL-terminated */
	size_t query_len;
	struct ew_match *matches;
	size_t n;
	struct ew_hit *hits;  /* EW_ANSWER_MESSAGE: matches[i].hit points here */
	char **hit_texts;     /* ... and matches[i].hit_text here: the span, escaped */
	const struct ew_entry *suggest[8];
	size_t n_suggest;
};

/* Answers text (n bytes, any bytes; at most EW_ANSWER_MAX_QUERY are read, more is -E2BIG) into
 * *a. 0, -ENOMEM, -E2BIG, -EINVAL; -ELIBACC when the recogniser cannot be loaded (the lookup
 * part still answers: a is filled as far as it got). Free *a in every case. */
#define EW_ANSWER_MAX_QUERY 8192
int ew_answer_query(struct ew_answer *a, const char *text, size_t n);
void ew_answer_free(struct ew_answer *a); /* a may be NULL; leaves it empty */
const char *ew_answer_kind_key(enum ew_answer_kind k); /* "none", "lookup", "message", "search" */

/* JSON for the API (`/api/v1/...`). An entry as one object: exactly an element of the array
 * ew_render_json() writes for that name. */
int ew_render_json_entry(struct ew_buf *b, const struct ew_entry *e, bool pretty);
/* Every entry of every family, briefly: {"family":"all","count":N,"errors":[{"family","name",
 * "number","message","title","category","common","confidence","aliases"}...]}. */
int ew_render_json_list(struct ew_buf *b, bool pretty);
/* An answer: {"query":..,"kind":"lookup","matches":[{"name","family","number","title",
 * "confidence","match":{...},"context":{...}}...],"suggest":[..]}. */
int ew_render_json_answer(struct ew_buf *b, const struct ew_answer *a, bool pretty);
/* An API error: {"error":"not found","path":"/api/v1/x","max_bytes":8192}; path (outside
 * bytes, len of them, escaped and cut after 1024 characters) may be NULL, max_bytes < 0 leaves it out. */
int ew_render_json_error(struct ew_buf *b, const char *error, const char *path, size_t len,
			 long max_bytes);

#ifdef __cplusplus
}
#endif

#endif
