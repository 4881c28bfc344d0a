/* cmd_lookup.c: `errwhy QUERY...`, the reference page of an error, and the catalog-wide views:
 * --list, --search, --brief, --os, --json. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "message.h"
#include "pager.h"

#define MAX_QUERY 4096 /* bytes; a longer argument is a paste gone wrong, not a query */

static const char usage_text[] =
	"usage: errwhy [OPTIONS] QUERY...\n"
	"       errwhy -l | --list\n"
	"       errwhy -s | --search WORDS...\n"
	"       errwhy --os SYSTEM NUMBER...\n"
	"       errwhy MESSAGE                 a pasted error message or log line\n"
	"       COMMAND 2>&1 | errwhy          the errors in a program's output\n"
	"       errwhy scan [--json] [FILE...] every error in a log (errwhy scan --help)\n"
	"       errwhy run -- COMMAND [ARGS...]\n"
	"       errwhy port PORT [OPTIONS]     (errwhy port --help)\n"
	"       errwhy limits [PID] [--json]   a process against its fd, inotify, process limits\n"
	"       errwhy path PATH [OPTIONS]     why a file operation fails (path --help)\n"
	"       errwhy repro NAME... | --all   run the built-in reproductions [--json]\n"
	"       errwhy serve [OPTIONS]         the catalog as a web site (serve --help)\n"
	"       errwhy site DIR                the same pages as static files\n"
	"\n"
	"Explains a Linux/POSIX error: what it means, why it happens, how to fix it.\n"
	"A QUERY is a name (EADDRINUSE, eaddrinuse, -EADDRINUSE, SIGKILL, KILL, EAI_NONAME,\n"
	"EPROBE_DEFER), a number (98, -98, 0x62), an exit status (137, 203/EXEC) or a\n"
	"message (\"Address already in use\"). A number that several families share gets an\n"
	"answer from each, most likely first: errwhy 9 is EBADF and SIGKILL, errwhy 137 the\n"
	"exit status of a process killed by SIGKILL. Numbers are decimal (077 is 77, not\n"
	"octal) or hexadecimal after 0x. Anything else is read as a message, and the\n"
	"errors in it are recognised: errwhy \"Error: listen EADDRINUSE: address already\n"
	"in use :::3000\" explains EADDRINUSE and who holds port 3000 now. With no QUERY\n"
	"and standard input not a terminal, the text on standard input is read.\n"
	"\n"
	"options:\n"
	"  -l, --list           every entry, one line each: NAME NUMBER message\n"
	"  -s, --search         the entries that match all WORDS, best first\n"
	"      --brief          one line per answer: NAME NUMBER message\n"
	"      --family FAMILY  only errno, signal, exit, resolver or kernel entries (with\n"
	"                       --list: list that family)\n"
	"      --os SYSTEM      read the numbers as another system's: darwin, freebsd,\n"
	"                       openbsd, windows, linux-alpha, linux-mips, linux-parisc,\n"
	"                       linux-sparc, or all of them\n"
	"      --json           a JSON array of entries\n"
	"      --port PORT      add \"On this machine\": who holds PORT now (errwhy port)\n"
	"      --unit UNIT      on SIGKILL and 137: the OOM kills of a systemd unit's cgroup\n"
	"      --container ID   ... of a container's cgroup (12 or more hex digits of its id)\n"
	"      --pid PID        ... of the cgroup process PID is in; on EMFILE, ENFILE,\n"
	"                       ENOSPC, EAGAIN and ENOMEM: PID's limits (errwhy limits)\n"
	"      --cgroup PATH    ... of a cgroup, /system.slice/foo.service (default: errwhy's\n"
	"                       own cgroup)\n"
	"      --host NAME      on getaddrinfo codes: the /etc/hosts lines naming NAME, and how\n"
	"                       the search domains apply to it\n"
	"      --path PATH      on file errors (ENOENT, EACCES, EROFS, ...): why an operation\n"
	"                       on PATH fails here, component by component (errwhy path)\n"
	"      --for OP         with --path: read (default), write, create, delete, exec,\n"
	"                       list or search\n"
	"      --color=WHEN     auto (default), always or never; NO_COLOR is honoured\n"
	"      --no-pager       do not page: pages, --list, --search and --json go through\n"
	"                       $PAGER (less -FRX by default) only on a terminal\n"
	"  -h, --help           this text\n"
	"      --version        the version\n"
	"\n"
	"exit status:\n"
	"  0  every query was found\n"
	"  1  a query matched nothing (the others are still answered)\n"
	"  2  the command line is wrong\n"
	"  3  the system refused something errwhy needed (memory, output)\n";

enum mode { MODE_PAGE, MODE_BRIEF, MODE_JSON, MODE_LIST, MODE_SEARCH };

struct options {
	enum mode mode;
	bool json;
	enum ew_color_mode color;
	unsigned os_mask;
	int family; /* an enum ew_family, or -1 for all */
	bool has_port;
	uint16_t port;
	/* --unit, --container, --pid, --cgroup: whose OOM kills SIGKILL's and 137's pages show;
	 * oom_option is the option given (for messages), NULL for errwhy's own cgroup. */
	struct ew_oom_query oom;
	const char *oom_option;
	const char *host; /* --host: the name a resolver page checks /etc/hosts for */
	/* --path, --for: the file a file error's page judges (errwhy path), and for what. */
	const char *path;
	int path_op;
	bool has_path_op;
	bool pager;
	char **queries;
	int n_queries;
};

/* A macro, so that -Wformat checks each message against its argument. */
#define usage_error(fmt, arg) ew_cli_usage_error("errwhy", fmt, ew_cli_quote(arg))

/* "-98" and "-EADDRINUSE" are queries in the kernel's style, not options. */
static bool looks_like_query(const char *arg)
{
	if (arg[0] != '-' || arg[1] == '\0' || arg[1] == '-')
		return false;
	if (isdigit((unsigned char)arg[1]))
		return true;
	return (arg[1] == 'E' || arg[1] == 'e') && arg[2] != '\0' && strlen(arg) > 3;
}

static void print_query(FILE *f, const char *q);

/* Which of the options that say what "On this machine" is about a is (as --name or
 * --name=VALUE), or NULL. */
static const char *machine_option(const char *a)
{
	static const char *const names[] = {"--unit", "--container", "--pid", "--cgroup", "--host"};

	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++) {
		size_t n = strlen(names[k]);
		if (strncmp(a, names[k], n) == 0 && (a[n] == '=' || a[n] == '\0'))
			return names[k];
	}
	return NULL;
}

/* Whether a cgroup path has a "." or ".." part, which could lead out of /sys/fs/cgroup. */
static bool has_dot_part(const char *p)
{
	for (const char *c = p; *c;) {
		size_t n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return true;
		c += n + (c[n] == '/');
	}
	return false;
}

/* --host, and --unit, --container, --pid or --cgroup: at most one of these names the cgroup.
 * Each value is checked here, so that a bad one is a usage error rather than a report of
 * nothing. */
static int parse_machine_option(struct options *o, const char *opt, const char *v)
{
	if (strcmp(opt, "--host") == 0) {
		if (o->host)
			return usage_error("%s", "--host was given twice; one name per run");
		o->host = v;
		return EW_EXIT_OK;
	}
	if (o->oom_option)
		return usage_error("%s", strcmp(o->oom_option, opt) == 0
					 ? "give one cgroup: the OOM option was given twice"
					 : "give one of --unit, --container, --pid and --cgroup");
	o->oom_option = opt;
	if (strcmp(opt, "--unit") == 0) {
		if (!v[0] || strchr(v, '/') || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
			return usage_error("--unit takes a unit name (nginx.service), not '%s'", v);
		o->oom.unit = v;
	} else if (strcmp(opt, "--container") == 0) {
		if (strlen(v) < 12 || v[strspn(v, "0123456789abcdef")])
			return usage_error("--container takes 12 or more hex digits of a "
					   "container's id, not '%s'", v);
		o->oom.container_id = v;
	} else if (strcmp(opt, "--pid") == 0) {
		long pid;
		if (!isdigit((unsigned char)v[0]) || ew_number_parse(v, &pid) < 0 || pid < 1 ||
		    pid > INT32_MAX)
			return usage_error("--pid takes a process id, not '%s'", v);
		o->oom.pid = (int)pid;
	} else {
		if (!v[0] || has_dot_part(v))
			return usage_error("--cgroup takes a cgroup path without . or .. parts "
					   "(/system.slice/foo.service), not '%s'", v);
		o->oom.cgroup = v;
	}
	return EW_EXIT_OK;
}

/* Queries that cannot be read at all are usage errors, found before any work is done. */
static int check_queries(const struct options *o)
{
	for (int i = 0; i < o->n_queries; i++) {
		const char *q = o->queries[i];
		if (strlen(q) > MAX_QUERY)
			return ew_cli_fail(EW_EXIT_USAGE, "a query is %zu bytes long; at most %d are read",
					   strlen(q), MAX_QUERY);
		if (o->os_mask && !isdigit((unsigned char)q[q[0] == '-'])) {
			fputs("errwhy: --os reads numbers; this is not one: ", stderr);
			print_query(stderr, q);
			fputc('\n', stderr);
			return EW_EXIT_USAGE;
		}
	}
	return EW_EXIT_OK;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	bool end_of_options = false;
	const char *name;

	o->queries = calloc((size_t)argc, sizeof(*o->queries));
	if (!o->queries)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (end_of_options || a[0] != '-' || looks_like_query(a)) {
			o->queries[o->n_queries++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			end_of_options = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return -1;
		} else if (strcmp(a, "--version") == 0) {
			printf("errwhy %s\n", ERRWHY_VERSION);
			return -1;
		} else if (strcmp(a, "-l") == 0 || strcmp(a, "--list") == 0) {
			o->mode = MODE_LIST;
		} else if (strcmp(a, "-s") == 0 || strcmp(a, "--search") == 0) {
			o->mode = MODE_SEARCH;
		} else if (strcmp(a, "--brief") == 0) {
			o->mode = MODE_BRIEF;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--no-pager") == 0) {
			o->pager = false;
		} else if (strcmp(a, "--os") == 0 || strncmp(a, "--os=", 5) == 0) {
			const char *sys = a[4] == '=' ? a + 5 : (i + 1 < argc ? argv[++i] : NULL);
			if (!sys)
				return usage_error("%s needs a SYSTEM", a);
			/* Keeping only the last would answer a question nobody asked. */
			if (o->os_mask)
				return usage_error("%s", "--os was given twice; give one SYSTEM (or 'all')");
			o->os_mask = ew_os_parse(sys);
			if (!o->os_mask) {
				fprintf(stderr, "errwhy: unknown system '%s'; known: %s\n",
					ew_cli_quote(sys), ew_os_names());
				return EW_EXIT_USAGE;
			}
		} else if (strcmp(a, "--family") == 0 || strncmp(a, "--family=", 9) == 0) {
			const char *f = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
			if (!f)
				return usage_error("%s needs a FAMILY", a);
			o->family = ew_family_parse(f);
			if (o->family < 0)
				return usage_error("unknown family '%s'; known: errno, signal, exit, "
						   "resolver, kernel", f);
		} else if (strcmp(a, "--port") == 0 || strncmp(a, "--port=", 7) == 0) {
			const char *port = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			if (!port)
				return usage_error("%s needs a PORT", a);
			if (o->has_port)
				return usage_error("%s", "--port was given twice; one port per run");
			if (ew_port_parse(port, &o->port) < 0)
				return usage_error("--port takes a port from 1 to 65535, not '%s'", port);
			o->has_port = true;
		} else if (strcmp(a, "--path") == 0 || strncmp(a, "--path=", 7) == 0) {
			const char *p = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			if (!p || !p[0])
				return usage_error("%s needs a PATH", a);
			if (o->path)
				return usage_error("%s", "--path was given twice; one path per run");
			o->path = p;
		} else if (strcmp(a, "--for") == 0 || strncmp(a, "--for=", 6) == 0) {
			const char *op = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
			if (!op)
				return usage_error("%s needs an operation", a);
			o->path_op = ew_path_op_parse(op);
			if (o->path_op < 0 || o->path_op == EW_PATH_RENAME)
				return usage_error("--for takes read, write, create, delete, exec, list "
						   "or search, not '%s'", op);
			o->has_path_op = true;
		} else if ((name = machine_option(a))) {
			size_t n = strlen(name);
			const char *v = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
			int r;
			if (!v)
				return usage_error("%s needs a value", name);
			if ((r = parse_machine_option(o, name, v)) != EW_EXIT_OK)
				return r;
		} else if (strncmp(a, "--color", 7) == 0 && (a[7] == '=' || a[7] == '\0')) {
			const char *when = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : "");
			int mode = ew_cli_color_mode(when);
			if (mode < 0)
				return usage_error("--color takes auto, always or never, not '%s'", when);
			o->color = (enum ew_color_mode)mode;
		} else {
			return usage_error("unknown option '%s'", a);
		}
	}
	if (o->has_port && o->mode != MODE_PAGE)
		return usage_error("%s", "--port adds a section to pages and --json; not with --brief, --list or --search");
	if (o->has_path_op && !o->path)
		return usage_error("%s", "--for says what --path is used for; give --path PATH too");
	if (o->path && o->mode != MODE_PAGE)
		return usage_error("%s", "--path adds a section to pages and --json; not with --brief, --list or --search");
	if (o->path && o->os_mask)
		return usage_error("%s", "--path is about this machine; not with --os");
	if ((o->oom_option || o->host) && o->mode != MODE_PAGE)
		return usage_error("%s adds to pages and --json; not with --brief, --list or --search",
				   o->host ? "--host" : o->oom_option);
	if ((o->oom_option || o->host) && o->os_mask)
		return usage_error("%s is about this machine; not with --os",
				   o->host ? "--host" : o->oom_option);
	if (o->mode == MODE_LIST && o->n_queries)
		return usage_error("--list takes no queries (did you mean --search %s?)", o->queries[0]);
	if (o->mode != MODE_LIST && o->n_queries == 0 &&
	    (o->mode == MODE_SEARCH || o->os_mask || isatty(STDIN_FILENO))) {
		fputs(usage_text, stderr);
		return EW_EXIT_USAGE;
	}
	return check_queries(o);
}

/* Queries come back in error messages, quoted and made safe (ew_cli_quote). */
static void print_query(FILE *f, const char *q)
{
	fprintf(f, "'%s'", ew_cli_quote(q));
}

static void report_unknown(const struct options *o, const char *q)
{
	if (o->family >= 0)
		fprintf(stderr, "errwhy: no %s entry matches ", ew_family_key((enum ew_family)o->family));
	else
		fputs("errwhy: no error matches ", stderr);
	print_query(stderr, q);
	ew_cli_did_you_mean(stderr, q);
	fputs("\nTry 'errwhy --search WORDS' or 'errwhy --list'.\n", stderr);
}

/* Every match of one query, into out[written..), up to max; *total says how many exist. */
static size_t answer_into(const struct options *o, const char *q, struct ew_match *out,
			  size_t max, size_t *total)
{
	long v;

	*total = 0;
	if (o->os_mask) {
		/* The same reading of numbers as ew_lookup(); too big a number matches nothing. */
		if (ew_number_parse(q, &v) < 0)
			return 0;
		return ew_lookup_foreign(o->os_mask, v, out, max, total);
	}
	return ew_lookup_in(q, o->family, out, max, total);
}

/* A list of matches that grows as queries are answered: no answer is ever dropped. */
struct matches {
	struct ew_match *m;
	size_t n, cap;
};

/* The answers to one query, appended to all; returns how many, or -1 when out of memory. */
static long answer(const struct options *o, const char *q, struct matches *all)
{
	size_t total, got = answer_into(o, q, all->m ? all->m + all->n : NULL, all->cap - all->n,
					&total);

	if (got < total) {
		size_t cap = all->n + total + 16;
		struct ew_match *m = realloc(all->m, cap * sizeof(*m));
		if (!m)
			return -1;
		all->m = m;
		all->cap = cap;
		got = answer_into(o, q, all->m + all->n, all->cap - all->n, &total);
	}
	all->n += got;
	return (long)got;
}

/* The pages of one query's answers; when there are several, each says how it was read. */
static void render_pages(struct ew_buf *out, const char *q, const struct ew_match *m, size_t n,
			 struct ew_text_style st, const struct ew_diagnosis *diag)
{
	st.label_match = n > 1;
	if (n > 1) {
		ew_buf_put_escaped(out, q); /* the query is outside data */
		ew_buf_printf(out, " has %zu answers:\n\n", n);
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			ew_buf_puts(out, "\n\n");
		if (ew_render_text(out, &m[i], &st, diag) < 0)
			out->failed = true;
	}
}

/* The "On this machine" reports, looked up once for every page: the port asked for with
 * --port; OOM kills when a page is SIGKILL's or 137's; the resolver's configuration when one
 * is a getaddrinfo code's. They belong to machine until machine_free(). */
struct machine {
	struct ew_diagnosis diag;
	struct ew_port_report *port;
	struct ew_oom_report *oom;
	struct ew_resolv_report *resolver;
	struct ew_limits_report *limits;
	struct ew_path_report *path;
};

static bool any_page(const struct ew_match *m, size_t n, bool (*applies)(const struct ew_entry *))
{
	for (size_t i = 0; i < n; i++)
		if (applies(m[i].entry))
			return true;
	return false;
}

/* The limits parts the pages need: EMFILE's and ENFILE's always (those errors are nothing but
 * limits), for errwhy's parent unless --pid names a process; ENOSPC's, EAGAIN's and ENOMEM's
 * only with --pid, as they mostly mean a full disk, a non-blocking call or low memory. */
static unsigned limits_parts(const struct options *o, const struct ew_match *m, size_t n)
{
	unsigned parts = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned p = ew_limits_applies(m[i].entry);
		if (o->oom.pid || (p & (EW_LIMITS_FDS | EW_LIMITS_SYSTEM_FILES)))
			parts |= p;
	}
	return parts;
}

static int diagnose_limits(const struct options *o, const struct ew_match *m, size_t n,
			   struct machine *mc)
{
	unsigned parts = limits_parts(o, m, n);
	int r;

	if (!parts)
		return EW_EXIT_OK;
	r = ew_limits_report_build(&mc->limits, o->oom.pid, parts);
	/* A process gone is said, and the pages still come. */
	if (r == -ESRCH && o->oom.pid)
		fprintf(stderr, "errwhy: no process %d: its limits are left out\n", o->oom.pid);
	else if (r < 0 && r != -ESRCH)
		return ew_cli_fail(EW_EXIT_SYSTEM, "cannot look at the limits: %s", strerror(-r));
	return EW_EXIT_OK;
}

/* An option about this machine that no page answered shows nothing: say so, not silence. */
static void unused_options(const struct options *o, const struct ew_match *m, size_t n)
{
	if (o->path && !any_page(m, n, ew_path_applies))
		fprintf(stderr, "errwhy: --path is judged on the pages of file errors (ENOENT, "
				"EACCES, EROFS, ENOSPC, ...); none of these is one\n");
	if (o->host && !any_page(m, n, ew_resolv_applies))
		fprintf(stderr, "errwhy: --host is checked on the pages of getaddrinfo codes "
				"(EAI_NONAME, ...); none of these is one\n");
	if (o->oom_option && !any_page(m, n, ew_oom_applies) && !limits_parts(o, m, n))
		fprintf(stderr, "errwhy: %s is looked at on the pages of SIGKILL and 137%s; none "
				"of these is one\n", o->oom_option,
			strcmp(o->oom_option, "--pid") == 0
				? ", and of EMFILE, ENFILE, ENOSPC, EAGAIN and ENOMEM" : "");
}

static int diagnose(const struct options *o, const struct ew_match *m, size_t n,
		    struct machine *mc)
{
	int r;

	*mc = (struct machine){0};
	unused_options(o, m, n);
	if (o->has_port) {
		r = ew_port_report_build(&mc->port, o->port, 0);
		if (r < 0)
			return ew_cli_fail(EW_EXIT_SYSTEM, "cannot look at port %u: %s", o->port,
					   ew_port_strerror(r));
	}
	/* What could not be read (the kernel log as nobody, say) is in the reports: only a
	 * report that could not be made at all fails the answer. */
	if (any_page(m, n, ew_oom_applies)) {
		r = ew_oom_report_build(&mc->oom, &o->oom);
		if (r < 0)
			return ew_cli_fail(EW_EXIT_SYSTEM, "cannot look at OOM kills: %s", strerror(-r));
	}
	if (any_page(m, n, ew_resolv_applies)) {
		r = ew_resolv_report_build(&mc->resolver, o->host, NULL);
		if (r < 0)
			return ew_cli_fail(EW_EXIT_SYSTEM, "cannot read the resolver's configuration: %s",
					   strerror(-r));
	}
	if ((r = diagnose_limits(o, m, n, mc)) != EW_EXIT_OK)
		return r;
	if (o->path && any_page(m, n, ew_path_applies)) {
		struct ew_path_query q = {.path = o->path,
					  .op = o->has_path_op ? (enum ew_path_op)o->path_op
							       : EW_PATH_READ};
		r = ew_path_report_build(&mc->path, &q);
		if (r < 0)
			return ew_cli_fail(EW_EXIT_SYSTEM, "cannot judge the path: %s", strerror(-r));
	}
	mc->diag = (struct ew_diagnosis){.port = mc->port, .oom = mc->oom,
					 .resolver = mc->resolver, .limits = mc->limits,
					 .path = mc->path};
	return EW_EXIT_OK;
}

static void machine_free(struct machine *mc)
{
	ew_port_report_free(mc->port);
	ew_oom_report_free(mc->oom);
	ew_resolv_report_free(mc->resolver);
	ew_limits_report_free(mc->limits);
	ew_path_report_free(mc->path);
	*mc = (struct machine){0};
}

static struct ew_message_opts message_opts(const struct options *o)
{
	return (struct ew_message_opts){
		.json = o->json, .brief = o->mode == MODE_BRIEF, .pid = o->oom.pid,
		.style = {.width = ew_cli_width(), .color = ew_cli_use_color(o->color)}};
}

/* When a query is no name, number or whole message, the queries together are read as one
 * pasted message (quoted or not: errwhy listen EADDRINUSE: address already in use). Returns
 * EW_EXIT_NO when that recognises nothing either, and the queries are answered one by one. */
static int as_message(const struct options *o, struct ew_buf *out)
{
	struct ew_buf text;
	struct ew_message_opts mo = message_opts(o);
	bool any_known = false, odd_unknown = false;
	int status;

	if (o->os_mask)
		return EW_EXIT_NO;
	for (int i = 0; i < o->n_queries; i++) {
		size_t total;
		const char *q = o->queries[i];
		ew_lookup_in(q, o->family, NULL, 0, &total);
		any_known |= total > 0;
		/* "EADDRINUSE EBOGUS" is two queries, one mistyped; "127.0.0.1:5432" is a piece
		 * of a message. */
		odd_unknown |= total == 0 && q[strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						      "abcdefghijklmnopqrstuvwxyz0123456789_-")];
	}
	if (any_known && !odd_unknown)
		return EW_EXIT_NO;
	ew_buf_init(&text);
	for (int i = 0; i < o->n_queries; i++) {
		if (i)
			ew_buf_putc(&text, ' ');
		ew_buf_puts(&text, o->queries[i]);
	}
	status = text.failed ? ew_cli_fail(EW_EXIT_SYSTEM, "out of memory")
			     : ew_answer_message(text.data, text.len, &mo, out);
	ew_buf_free(&text);
	return status;
}

static int lookup_queries(const struct options *o, struct ew_buf *out)
{
	struct matches all = {0};
	struct machine mc = {0};
	int status = EW_EXIT_OK;
	struct ew_text_style st = {.width = ew_cli_width(), .color = ew_cli_use_color(o->color)};
	size_t *found = calloc((size_t)o->n_queries, sizeof(*found));

	if (!found)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	/* Every query is answered first: which reports to make depends on the pages. */
	for (int i = 0; i < o->n_queries; i++) {
		long got = answer(o, o->queries[i], &all);
		if (got < 0) {
			status = ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
			break;
		}
		found[i] = (size_t)got;
		if (got == 0) {
			report_unknown(o, o->queries[i]);
			status = EW_EXIT_NO;
		}
	}
	if (status != EW_EXIT_SYSTEM && o->mode == MODE_PAGE) {
		int d = diagnose(o, all.m, all.n, &mc);
		if (d != EW_EXIT_OK)
			status = d;
	}
	/* Pages go out per query, so each query's answers stay together and labelled. */
	for (size_t i = 0, at = 0; status != EW_EXIT_SYSTEM && (int)i < o->n_queries; i++) {
		if (!o->json && o->mode == MODE_PAGE && found[i]) {
			if (out->len)
				ew_buf_puts(out, "\n\n");
			render_pages(out, o->queries[i], all.m + at, found[i], st, &mc.diag);
		}
		at += found[i];
	}
	if (status != EW_EXIT_SYSTEM) {
		/* A page or JSON that could not be built whole fails the answer (exit 3). */
		if (o->json && ew_render_json(out, all.m, all.n, true, &mc.diag) < 0)
			out->failed = true;
		else if (o->mode == MODE_BRIEF)
			for (size_t i = 0; i < all.n; i++)
				ew_render_brief(out, all.m[i].entry, all.m[i].as_name);
	}
	free(all.m);
	free(found);
	machine_free(&mc);
	return status;
}

/* Every entry (of the family asked for) and every alias, in the order and columns of
 * moreutils' errno -l: NAME NUMBER message; an exit status: STATUS SYMBOL message. */
static int list_all(const struct options *o, struct ew_buf *out)
{
	size_t n = ew_entry_count(), n_all = 0;
	struct ew_match *all;

	if (!o->json) {
		for (size_t i = 0; i < n; i++) {
			const struct ew_entry *e = ew_entry_at(i);
			if (o->family >= 0 && e->family != (enum ew_family)o->family)
				continue;
			if (e->n_numbers == 0)
				ew_render_brief(out, e, e->name);
			for (size_t k = 0; k < e->n_numbers; k++)
				ew_render_brief(out, e, e->numbers[k].name);
		}
		return EW_EXIT_OK;
	}
	all = calloc(n, sizeof(*all));
	if (!all)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (o->family < 0 || ew_entry_at(i)->family == (enum ew_family)o->family)
			all[n_all++] = (struct ew_match){.entry = ew_entry_at(i),
							 .kind = EW_MATCH_NAME,
							 .as_name = ew_entry_at(i)->name,
							 .system = -1};
	if (ew_render_json(out, all, n_all, true, NULL) < 0)
		out->failed = true;
	free(all);
	return EW_EXIT_OK;
}

static int search(const struct options *o, struct ew_buf *out)
{
	const char *const *words = (const char *const *)o->queries;
	size_t total, n;
	const struct ew_entry **found;
	struct ew_match *m;

	/* Counted first, then fetched whole: every entry that matches is shown. */
	ew_search(words, (size_t)o->n_queries, NULL, 0, &total);
	if (total == 0) {
		fputs("errwhy: no entry mentions all of:", stderr);
		for (int i = 0; i < o->n_queries; i++) {
			fputc(' ', stderr);
			print_query(stderr, o->queries[i]);
		}
		fputc('\n', stderr);
		return EW_EXIT_NO;
	}
	found = calloc(total, sizeof(*found));
	m = calloc(total, sizeof(*m));
	if (!found || !m) {
		free(found);
		free(m);
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	}
	n = ew_search(words, (size_t)o->n_queries, found, total, NULL);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (o->family >= 0 && found[i]->family != (enum ew_family)o->family)
			continue;
		m[kept++] = (struct ew_match){.entry = found[i], .kind = EW_MATCH_NAME,
					      .as_name = found[i]->name, .system = -1};
		if (!o->json)
			ew_render_brief(out, found[i], NULL);
	}
	if (kept == 0) {
		fprintf(stderr, "errwhy: no %s entry mentions these words\n",
			ew_family_key((enum ew_family)o->family));
		free(found);
		free(m);
		return EW_EXIT_NO;
	}
	if (o->json && ew_render_json(out, m, kept, true, NULL) < 0)
		out->failed = true;
	free(found);
	free(m);
	return EW_EXIT_OK;
}

/* `... | errwhy`: the errors in the text on standard input. */
static int from_stdin(const struct options *o, struct ew_buf *out)
{
	struct ew_message_opts mo = message_opts(o);
	int status = ew_answer_stdin(&mo, out);

	if (status == EW_EXIT_NO)
		fputs("errwhy: no error recognised in standard input\n", stderr);
	if (status == EW_EXIT_USAGE) /* nothing to read: a command line without a query */
		fputs(usage_text, stderr);
	return status;
}

/* Writes the answer, through the pager when it is one to read on a terminal (--brief is a
 * line or two meant for scripts and eyes alike: never paged). */
static int write_out(const struct options *o, const struct ew_buf *out)
{
	struct ew_pager pager;
	int wrote;

	if (!o->pager || out->failed || out->len == 0 || (o->mode == MODE_BRIEF && !o->json) ||
	    !ew_pager_start(&pager))
		return ew_cli_write(out);
	/* A reader who quits early makes this EPIPE, which ew_cli_write() takes as done. */
	wrote = ew_cli_write(out);
	if (!ew_pager_finish(&pager))
		wrote = ew_cli_write(out);
	return wrote;
}

int ew_cmd_lookup(int argc, char **argv)
{
	struct options o = {.mode = MODE_PAGE, .pager = true, .family = -1};
	struct ew_buf out;
	int status, wrote;

	status = parse_args(argc, argv, &o);
	if (status != EW_EXIT_OK) {
		free(o.queries);
		return status < 0 ? EW_EXIT_OK : status;
	}
	ew_buf_init(&out);
	if (o.mode == MODE_LIST)
		status = list_all(&o, &out);
	else if (o.mode == MODE_SEARCH)
		status = search(&o, &out);
	else if (o.n_queries == 0)
		status = from_stdin(&o, &out);
	else if ((status = as_message(&o, &out)) == EW_EXIT_NO)
		status = lookup_queries(&o, &out);
	/* Colour and width were settled while rendering, before the pager takes stdout. */
	wrote = write_out(&o, &out);
	ew_buf_free(&out);
	free(o.queries);
	return wrote != EW_EXIT_OK ? wrote : status;
}
