/* families.c: what differs between the catalog's families (catalog/README.md, "Families"):
 * errno, signal, exit, resolver and kernel. Each family has its folder, categories and header
 * keys, the systems its numbers table shows, and its own source of truth for an entry's number
 * and message: a system header read at build time (sys-names.h, made by sys-names.sh), the
 * file name (exit statuses) or a key checked by a test against the kernel's headers. */
#define _GNU_SOURCE 1 /* glibc's EAI_* extensions in <netdb.h> */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "catalogc.h"

const char *const system_keys[N_SYSTEMS] = {
	"darwin", "freebsd", "openbsd", "windows_wsa", "windows_crt",
	"linux_alpha", "linux_mips", "linux_parisc", "linux_sparc", "musl",
};

/* ---- this system's names ---------------------------------------------------------------- */

struct sys_name {
	const char *family, *name;
	int value;
	const char *alias_of; /* NULL for a name with a number of its own */
	bool covered;
};

static struct sys_name sys_names[] = {
#define EW_NAME(f, n) {#f, #n, n, NULL, false},
#define EW_NAME_ALIAS(f, n, of) {#f, #n, n, #of, false},
#include "sys-names.h"
#undef EW_NAME
#undef EW_NAME_ALIAS
	/* glibc makes these functions of the thread library's reservation: read at start. */
	{"signal", "SIGRTMIN", 0, NULL, false},
	{"signal", "SIGRTMAX", 0, NULL, false},
};
#define N_SYS_NAMES (sizeof(sys_names) / sizeof(sys_names[0]))

static struct sys_name *sys_name_find(const char *family, const char *name)
{
	for (size_t i = 0; i < N_SYS_NAMES; i++) {
		struct sys_name *s = &sys_names[i];
		if (strcmp(s->family, family) == 0 && strcmp(s->name, name) == 0) {
			if (strcmp(name, "SIGRTMIN") == 0)
				s->value = SIGRTMIN;
			else if (strcmp(name, "SIGRTMAX") == 0)
				s->value = SIGRTMAX;
			return s;
		}
	}
	return NULL;
}

/* ---- the families ----------------------------------------------------------------------- */

static const char *const errno_categories[] = {
	"process", "file", "io", "resource", "memory", "network", "ipc",
	"device", "math", "streams", "keys", "legacy", NULL,
};
static const char *const signal_categories[] = {
	"termination", "fault", "job", "timer", "resource", "io", "process", "terminal",
	"user", "legacy", NULL,
};
static const char *const exit_categories[] = {"general", "shell", "sysexits", "systemd", NULL};
static const char *const resolver_categories[] = {
	"name", "service", "argument", "system", "async", "legacy", NULL,
};
static const char *const kernel_categories[] = {
	"restart", "driver", "nfs", "io", "internal", NULL,
};

static const char *const errno_keys[] = {"returned", "aliases", NULL};
static const char *const signal_keys[] = {"action", "catchable", "aliases", NULL};
static const char *const exit_keys[] = {"symbol", NULL};
static const char *const resolver_keys[] = {"returned", "aliases", NULL};
static const char *const kernel_keys[] = {"number", "returned", NULL};

static const int errno_columns[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
static const char *const errno_labels[] = {
	"darwin", "freebsd", "openbsd", "windows_wsa", "windows_crt",
	"linux_alpha", "linux_mips", "linux_parisc", "linux_sparc",
};
static const int signal_columns[] = {0, 1, 2, 5, 6, 7, 8};
static const char *const signal_labels[] = {
	"darwin", "freebsd", "openbsd", "linux_alpha", "linux_mips", "linux_parisc", "linux_sparc",
};
/* getaddrinfo's errors on Windows are Windows Sockets codes: the windows_wsa column. */
static const int resolver_columns[] = {9, 0, 1, 2, 3};
static const char *const resolver_labels[] = {"musl", "darwin", "freebsd", "openbsd", "windows"};

const struct family families[] = {
	{"errno", "EW_FAMILY_ERRNO", errno_categories, errno_keys, errno_columns, 9, errno_labels,
	 false},
	{"signal", "EW_FAMILY_SIGNAL", signal_categories, signal_keys, signal_columns, 7,
	 signal_labels, true},
	{"exit", "EW_FAMILY_EXIT", exit_categories, exit_keys, NULL, 0, NULL, false},
	{"resolver", "EW_FAMILY_RESOLVER", resolver_categories, resolver_keys, resolver_columns, 5,
	 resolver_labels, false},
	{"kernel", "EW_FAMILY_KERNEL", kernel_categories, kernel_keys, NULL, 0, NULL, false},
};
const size_t n_families = sizeof(families) / sizeof(families[0]);

const struct family *family_find(const char *key)
{
	for (size_t i = 0; i < n_families; i++)
		if (strcmp(families[i].key, key) == 0)
			return &families[i];
	return NULL;
}

/* ---- names, numbers and messages -------------------------------------------------------- */

/* The entry's aliases must be this system's other names for its number, all of them. */
static void check_aliases(struct entry *e, const struct sys_name *own)
{
	for (size_t i = 0; i < e->aliases.n; i++) {
		struct sys_name *a = sys_name_find(e->family, e->aliases.items[i]);
		if (!a || a == own || a->value != own->value)
			lint(e->path, 1, "%s is not another name for %s on this system",
			     e->aliases.items[i], e->name);
		else
			a->covered = true;
	}
	for (size_t i = 0; i < N_SYS_NAMES; i++) {
		const struct sys_name *a = &sys_names[i];
		bool listed = a == own;
		if (strcmp(a->family, e->family) != 0 || a->value != own->value ||
		    (!a->alias_of && !own->alias_of && a != own))
			continue;
		for (size_t k = 0; k < e->aliases.n; k++)
			listed |= strcmp(e->aliases.items[k], a->name) == 0;
		if (!listed)
			lint(e->path, 1, "%s is another name for %s here: add '- aliases: %s'",
			     a->name, e->name, a->name);
	}
}

/* errno, signal, resolver: the name must be this system's, and its number comes from there. */
static void check_header_name(struct entry *e, const char *(*message)(int))
{
	struct sys_name *s = sys_name_find(e->family, e->name);

	if (!s) {
		lint(e->path, 1, "%s is not %s %s name on this system", e->name,
		     strcmp(e->family, "errno") == 0 ? "an" : "a", e->family);
		return;
	}
	if (s->alias_of && strcmp(e->family, "errno") == 0) {
		lint(e->path, 1, "%s is another name for %s: list it under aliases in %s.md",
		     e->name, s->alias_of, s->alias_of);
		return;
	}
	if (s->covered)
		lint(e->path, 1, "%s has two entries", e->name);
	s->covered = true;
	e->number = s->value;
	e->message = xstrdup(message(s->value));
	check_aliases(e, s);
}

static const char *signal_message(int sig)
{
	/* strsignal() says "Real-time signal 0": the range is one entry, named for its end. */
	if (sig == SIGRTMIN)
		return "Real-time signal (SIGRTMIN+n)";
	if (sig == SIGRTMAX)
		return "Real-time signal (SIGRTMAX-n)";
	return strsignal(sig);
}

static const char *errno_message(int e)
{
	return strerror(e);
}

static void check_signal(struct entry *e)
{
	static const char *const actions[] = {"term", "core", "ign", "stop", "cont"};
	bool known = false;

	check_header_name(e, signal_message);
	if (!e->action) {
		lint(e->path, 1, "a signal needs '- action: term|core|ign|stop|cont'");
		return;
	}
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		known |= strcmp(e->action, actions[i]) == 0;
	if (!known)
		lint(e->path, 1, "action '%s' is not term, core, ign, stop or cont", e->action);
	if (!e->catchable && e->number != SIGKILL && e->number != SIGSTOP)
		lint(e->path, 1, "only SIGKILL and SIGSTOP cannot be caught (signal(7))");
	if (e->catchable && (e->number == SIGKILL || e->number == SIGSTOP))
		lint(e->path, 1, "%s cannot be caught: add '- catchable: no'", e->name);
	if (!e->senders.n)
		lint(e->path, 1, "a signal needs '## Who sends it'");
}

/* An exit entry is named by its status; its symbol, when sysexits.h has it, must agree. */
static void check_exit(struct entry *e)
{
	char *end;
	long n = strtol(e->name, &end, 10);

	if (!isdigit((unsigned char)e->name[0]) || *end || n < 1 || n > 255) {
		lint(e->path, 1, "an exit entry is named by its status, 1 to 255: '%s'", e->name);
		return;
	}
	e->number = (int)n;
	e->message = e->title;
	if (n > 128 && n < 160)
		lint(e->path, 1, "exit status %ld is 128+%ld: made from the signal entry, not "
		     "written", n, n - 128);
	if (e->symbol && strncmp(e->symbol, "EX_", 3) == 0) {
		struct sys_name *s = sys_name_find("exit", e->symbol);
		if (!s || s->value != n)
			lint(e->path, 1, "<sysexits.h> has no %s with the value %ld", e->symbol, n);
		else
			s->covered = true;
	}
	if (e->symbol && strncmp(e->symbol, "EXIT_", 5) != 0 && strncmp(e->symbol, "EX_", 3))
		lint(e->path, 1, "symbol '%s' is neither EXIT_* (systemd) nor EX_* (sysexits.h)",
		     e->symbol);
}

/* Kernel-internal codes are in no user-space header: the number is data, which
 * tests/catalog/check-kernel.sh compares with the kernel's include/linux/errno.h. */
static void check_kernel(struct entry *e)
{
	char *end;
	long n = e->number_key ? strtol(e->number_key, &end, 10) : 0;

	if (!e->number_key || *end || n < 512 || n > 4095) {
		lint(e->path, 1, "a kernel code needs '- number: N', 512 to 4095");
		return;
	}
	e->number = (int)n;
	e->message = e->title;
}

static const char *resolver_message(int code)
{
	return gai_strerror(code);
}

void family_check(struct entry *e)
{
	const struct family *f = family_find(e->family);

	if (e->action && strcmp(e->family, "signal") != 0)
		lint(e->path, 1, "only signals have an action");
	if (strcmp(f->key, "errno") == 0)
		check_header_name(e, errno_message);
	else if (strcmp(f->key, "signal") == 0)
		check_signal(e);
	else if (strcmp(f->key, "resolver") == 0)
		check_header_name(e, resolver_message);
	else if (strcmp(f->key, "exit") == 0)
		check_exit(e);
	else
		check_kernel(e);
	if (e->senders.n && !f->senders)
		lint(e->path, 1, "'Who sends it' belongs to signals");
}

/* The families whose folder the catalog has. */
static bool present[8];

void family_present(const char *key)
{
	present[family_find(key) - families] = true;
}

void family_check_coverage(const char *root)
{
	for (size_t i = 0; i < N_SYS_NAMES; i++) {
		const struct sys_name *s = &sys_names[i];
		if (s->covered || !present[family_find(s->family) - families])
			continue;
		lint(root, 0, "this system defines %s (%s) but the catalog has no entry for it%s%s",
		     s->name, s->family, s->alias_of ? ": list it as an alias in " : "",
		     s->alias_of ? s->alias_of : "");
	}
}

/* ---- exit statuses 128+N ---------------------------------------------------------------- */

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		fprintf(stderr, "catalogc: out of memory\n");
		exit(2);
	}
	va_end(ap);
	return s;
}

/* A shell reports a child killed by signal N as 128+N (bash(1), "EXIT STATUS"): the entry
 * says that and hands over to the signal's own causes and fixes. */
static struct entry signal_exit(const struct entry *sig)
{
	struct entry x = {
		.family = "exit", .path = sig->path, .returned = true, .generated = true,
		.number = 128 + sig->number, .signal = sig->number,
		.causes = sig->causes, .cause_sources = sig->cause_sources,
		.fixes = sig->fixes, .n_fixes = sig->n_fixes, .avoid = sig->avoid,
		.common = sig->common, .catchable = true,
	};
	struct list sources = {0};

	x.name = format("%d", x.number);
	x.symbol = xstrdup(sig->name);
	x.title = format("Killed by %s (128+%d)", sig->name, sig->number);
	x.message = x.title;
	x.category = xstrdup("shell");
	x.meaning = format(
		"The program did not exit by itself: signal %d, `%s` (\"%s\"), ended it, and the "
		"shell reports a command killed by signal N as the status 128+N, here %d. Docker, "
		"Kubernetes, CI runners and most process managers report the same number. "
		"Everything below comes from the signal's entry (`errwhy %s`).\n\n%s",
		sig->number, sig->name, sig->message, x.number, sig->name, sig->meaning);
	/* dash, Debian's sh, names the signal that killed a child on stderr, except for SIGINT
	 * and SIGPIPE (which a user caused or a pipeline expects); the test runs the trigger.
	 * By number: dash's kill knows neither POLL nor STKFLT by name. */
	x.repro_command = format("sh -c 'sh -c \"kill -%d \\$\\$\"; echo \"exit status $?\"'",
				 sig->number);
	x.repro_output = sig->number == SIGINT || sig->number == SIGPIPE
		? format("exit status %d", x.number)
		: format("%s\nexit status %d", sig->message, x.number);
	x.repro_mode = xstrdup("");
	x.repro_call = format("a shell runs a command that %s kills", sig->name);
	x.repro_body.text = format(
		"/* The inner shell kills itself; the outer one exits with what it saw. */\n"
		"const char *script = \"sh -c 'kill -%d $$'; exit $?\";\n"
		"pid_t pid;\nint st;\n\n"
		"ew_repro_call(r, \"sh -c 'kill -%s $$'\");\n"
		"pid = fork();\n"
		"if (pid < 0)\n    return ew_repro_fail(r, \"fork\");\n"
		"if (pid == 0) {\n"
		"    /* The runner ignores SIGPIPE; a shell would pass that on. */\n"
		"    sigset_t none;\n"
		"    sigemptyset(&none);\n"
		"    sigprocmask(SIG_SETMASK, &none, NULL);\n"
		"    for (int s = 1; s < 32; s++)\n"
		"        signal(s, SIG_DFL);\n"
		"    execl(\"/bin/sh\", \"sh\", \"-c\", script, (char *)NULL);\n"
		"    _exit(126);\n}\n"
		"if (waitpid(pid, &st, 0) < 0)\n    return ew_repro_fail(r, \"waitpid\");\n"
		"ew_repro_step(r, \"the outer shell exited with %%d\", WEXITSTATUS(st));\n"
		"return WIFEXITED(st) ? WEXITSTATUS(st) : 0;",
		sig->number, sig->name + 3);
	x.repro_body.line = 1;
	list_add(&sources, xstrdup("bash(1)"));
	for (size_t i = 0; i < sig->sources.n; i++)
		list_add(&sources, sig->sources.items[i]);
	x.sources = sources;
	return x;
}

void family_add_signal_exits(struct entry **entries, size_t *n)
{
	size_t count = *n;

	for (size_t i = 0; i < count; i++) {
		const struct entry *e = &(*entries)[i];
		/* Only a signal that ends the process makes a status; a stopped child stays. */
		if (strcmp(e->family, "signal") != 0 || e->number <= 0 || e->number >= 32 ||
		    !e->action || (strcmp(e->action, "term") && strcmp(e->action, "core")))
			continue;
		*entries = xrealloc(*entries, (*n + 1) * sizeof(**entries));
		(*entries)[(*n)++] = signal_exit(&(*entries)[i]);
	}
}
