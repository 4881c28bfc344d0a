/* run.c: the runner: each reproduction in a forked child of its own (its own process group,
 * a fresh private directory, a clean signal state and file table), its records read over a
 * pipe until it ends or runs out of time, then everything it started killed and its directory
 * removed. */
#include "catalog.h"
#include "child.h"

/* The time one reproduction may take. Every body waits on events, never on time, and takes
 * milliseconds; 5 s is the limit on a slow, busy 2-core machine under valgrind, where a
 * child's start alone can take a second, and still short enough that a hung body does not
 * hold up `errwhy repro --all` for long. */
#define EW_REPRO_TIME_LIMIT_MS 5000
#define STEPS_MAX 64 /* a body's steps kept; a runaway loop of steps is cut off here */

/* ---- the child -------------------------------------------------------------------------- */

/* The state a body starts from, whatever the caller of the library had: default
 * dispositions and an empty signal mask (a blocked SIGALRM would hang a body), SIGPIPE
 * ignored (a write to a closed pipe is EPIPE, not death), no inherited file descriptor but
 * the pipe (a body must not write the caller's files, and EMFILE or EBADF bodies count fds),
 * stdin and stdout on /dev/null (nothing a body prints can corrupt --json), umask 022. */
static int child_setup(struct ew_repro *r, int fd, pid_t parent)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;
	int null;

	/* Killed with the runner: a body must not outlive an interrupted errwhy. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(127);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* fails harmlessly for SIGKILL, SIGSTOP, glibc's own */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(fd, 3) < 0)
		_exit(127);
	r->fd = 3;
	fcntl(3, F_SETFD, FD_CLOEXEC); /* a program a body runs does not inherit it */
	if ((null = open("/dev/null", O_RDWR)) < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0)
		return ew_repro_fail(r, "redirecting standard input and output to /dev/null");
	close_range(4, ~0U, 0);
	umask(022);
	if (chdir(r->dir) < 0)
		return ew_repro_fail(r, "chdir(%s)", r->dir);
	return 0;
}

static _Noreturn void child_main(int (*fn)(struct ew_repro *r), const char *dir, int fd,
				 pid_t parent)
{
	static struct ew_repro r; /* static: a body's deep recursion cannot reach the runner's */
	char end[16];
	int rc;

	setpgid(0, 0);
	r = (struct ew_repro){.fd = fd, .root = geteuid() == 0, .uid = geteuid(),
			      .gid = getegid()};
	snprintf(r.dir, sizeof(r.dir), "%s", dir);
	rc = child_setup(&r, fd, parent);
	if (rc == 0) {
		errno = 0;
		rc = fn(&r);
	}
	snprintf(end, sizeof(end), "%d", rc);
	ew_repro_send(&r, EW_REC_END, end);
	/* _exit: no atexit handler or stdio buffer of the caller's runs twice. */
	_exit(0);
}

/* ---- the parent ------------------------------------------------------------------------- */

struct reading {
	char buf[2 * (3 + EW_REC_TEXT_MAX)];
	size_t len;
	bool ended;
	int rc;        /* the body's return value, once ended */
	char *skip, *fail;
};

static char *copy(const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (c) {
		memcpy(c, s, n);
		c[n] = '\0';
	}
	return c;
}

/* Takes one whole record; false when out of memory. */
static bool take(struct reading *rd, struct ew_repro_report *out, char type, const char *t,
		 size_t n)
{
	char **slot = NULL, *text, **steps;

	if (rd->ended)
		return true; /* a process the body left writes after the end: not the body's */
	if (type == EW_REC_END) {
		char num[16];
		snprintf(num, sizeof(num), "%.*s", (int)(n < 15 ? n : 15), t);
		rd->rc = atoi(num);
		rd->ended = true;
		return true;
	}
	if (!(text = copy(t, n)))
		return false;
	switch (type) {
	case EW_REC_CALL: slot = &out->call; break;
	case EW_REC_SKIP: slot = &rd->skip; break;
	case EW_REC_FAIL: slot = &rd->fail; break;
	case EW_REC_STEP:
		if (out->n_steps == STEPS_MAX) {
			free(text);
			return true;
		}
		steps = realloc(out->steps, (out->n_steps + 1) * sizeof(*steps));
		if (!steps) {
			free(text);
			return false;
		}
		out->steps = steps;
		out->steps[out->n_steps++] = text;
		return true;
	}
	if (!slot) {
		free(text);
		return true;
	}
	free(*slot); /* the last one said counts */
	*slot = text;
	return true;
}

/* Splits what arrived into records. */
static bool parse(struct reading *rd, struct ew_repro_report *out)
{
	size_t at = 0;

	while (rd->len - at >= 3) {
		uint16_t n;
		memcpy(&n, rd->buf + at + 1, sizeof(n));
		if (n > EW_REC_TEXT_MAX) {
			rd->len = 0; /* not ours: drop the rest */
			return true;
		}
		if (rd->len - at < 3u + n)
			break;
		if (!take(rd, out, rd->buf[at], rd->buf + at + 3, n))
			return false;
		at += 3u + n;
	}
	memmove(rd->buf, rd->buf + at, rd->len - at);
	rd->len -= at;
	return true;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads records until the end record, the pipe's end or the deadline: 1 ended or the pipe
 * closed, 0 timed out, -ENOMEM. */
static int read_records(int fd, unsigned limit_ms, struct reading *rd,
			struct ew_repro_report *out)
{
	int64_t deadline = now_ms() + limit_ms;

	while (!rd->ended) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		ssize_t got;
		int n;

		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return 0;
		got = read(fd, rd->buf + rd->len, sizeof(rd->buf) - rd->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 1;
		rd->len += (size_t)got;
		if (!parse(rd, out))
			return -ENOMEM;
	}
	return 1;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
	char *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* "EADDRINUSE (Address already in use)", "SIGKILL (Killed)", "exit status 127": a value a
 * body returned, in the words of the entry's family. */
char *ew_repro_value_words(enum ew_family family, int v)
{
	const char *name = ew_family_number_name(family, v);
	const struct ew_entry *e = NULL;

	/* A name means the family is one of ours: ew_family_number_name() found it there. */
	for (size_t i = name ? ew_catalog_family_start[family] : 0;
	     name && i < ew_catalog_family_start[family + 1] && !e; i++)
		if (strcmp(ew_catalog_str(ew_catalog_recs[i].name), name) == 0)
			e = ew_entry_at(i);
	switch (family) {
	case EW_FAMILY_ERRNO:
		return name ? format("%s (%s)", name, strerror(v))
			    : format("errno %d (%s)", v, strerror(v));
	case EW_FAMILY_EXIT:
		return format("exit status %d", v);
	case EW_FAMILY_RESOLVER:
		return name ? format("%s (%s)", name, gai_strerror(v)) : format("getaddrinfo %d", v);
	default:
		return e ? format("%s (%s)", e->name, e->message)
			 : format("%s %d", ew_family_key(family), v);
	}
}

/* Whether a body's return value can be one of the family's numbers. */
static bool in_range(enum ew_family family, int v)
{
	switch (family) {
	case EW_FAMILY_SIGNAL: return v >= 0 && v <= 64;
	case EW_FAMILY_EXIT: return v >= 0 && v <= 255;
	case EW_FAMILY_RESOLVER: return v >= -4095 && v <= 0;
	default: return v >= 0 && v <= 4095;
	}
}

static char *signal_words(int sig)
{
	const char *name = ew_signal_name(sig);

	return name ? format("killed by %s (%s)", name, strsignal(sig))
		    : format("killed by signal %d", sig);
}

/* Why a child that sent no end record ended. */
static char *no_end_reason(bool timed_out, int status, unsigned limit_ms)
{
	if (timed_out)
		return limit_ms % 1000 ? format("timed out after %u ms", limit_ms)
				       : format("timed out after %u s", limit_ms / 1000);
	if (status >= 0 && WIFSIGNALED(status))
		return signal_words(WTERMSIG(status));
	if (status >= 0 && WIFEXITED(status))
		return format("exited with status %d before the body returned",
			      WEXITSTATUS(status));
	return format("ended without a result");
}

/* The outcome, from the end record or, without one, from how the child ended. The strings
 * taken from rd are handed over to out. */
static void judge(struct reading *rd, bool timed_out, int status, unsigned limit_ms,
		  enum ew_family family, int expected, struct ew_repro_report *out)
{
	out->got = EW_REPRO_NO_VALUE;
	if (!rd->ended) {
		out->result = EW_REPRO_FAILED;
		out->reason = no_end_reason(timed_out, status, limit_ms);
	} else if (rd->rc == EW_REPRO_SKIP) {
		out->result = EW_REPRO_SKIPPED;
		out->reason = rd->skip ? rd->skip : format("skipped, no reason given");
		rd->skip = NULL;
	} else if (rd->rc == EW_REPRO_FAIL) {
		out->result = EW_REPRO_FAILED;
		out->reason = rd->fail ? rd->fail : format("a set-up step failed, not named");
		rd->fail = NULL;
	} else if (!in_range(family, rd->rc)) {
		out->result = EW_REPRO_FAILED;
		out->reason = format("the body returned %d, which is no %s value", rd->rc,
				     ew_family_key(family));
	} else if ((out->got = rd->rc) == expected) {
		out->result = EW_REPRO_REPRODUCED;
	} else {
		char *want = ew_repro_value_words(family, expected), *got = ew_repro_value_words(family, rd->rc);
		out->result = EW_REPRO_MISMATCH;
		out->reason = rd->rc == 0 && family != EW_FAMILY_EXIT
			? format("the call succeeded; expected %s", want)
			: format("got %s; expected %s", got, want);
		free(want);
		free(got);
	}
}

/* A fresh private directory under $TMPDIR (or /tmp), made here rather than in the child so
 * that the runner knows its name even when the child dies at once. 0755: as root, a body that
 * drops to nobody must still reach it by its absolute path. */
static char *make_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	if (!(dir = format("%s/errwhy-repro.XXXXXX", tmp)))
		return NULL;
	if (!mkdtemp(dir) || chmod(dir, 0755) < 0) {
		int e = errno;
		rmdir(dir);
		free(dir);
		errno = e;
		return NULL;
	}
	return dir;
}

static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1; /* ECHILD: the caller ignores SIGCHLD; nothing to tell */
	return status;
}

int ew_repro_run_fn(int (*fn)(struct ew_repro *r), enum ew_family family, int expected,
		    unsigned limit_ms, struct ew_repro_report *out)
{
	struct reading rd = {0};
	pid_t parent = getpid(), pid;
	int fds[2], status, got, e = 0;

	if (!fn || !out)
		return -EINVAL;
	*out = (struct ew_repro_report){.got = EW_REPRO_NO_VALUE};
	if (!(out->dir = make_dir()))
		return -errno;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		e = -errno;
		goto out;
	}
	fflush(NULL); /* nothing buffered before the fork can be written twice */
	if ((pid = fork()) < 0) {
		e = -errno;
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(fn, out->dir, fds[1], parent);
	}
	close(fds[1]);
	setpgid(pid, pid); /* also here: the group exists before any kill below */
	got = read_records(fds[0], limit_ms, &rd, out);
	close(fds[0]);
	/* Whatever the body started goes with it; its group lives until the leader is reaped,
	 * so the number cannot have been reused. */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	status = reap(pid);
	if (got < 0) {
		e = got;
		goto out;
	}
	judge(&rd, got == 0, status, limit_ms, family, expected, out);
	if (!out->reason && out->result != EW_REPRO_REPRODUCED)
		e = -ENOMEM;
out:
	free(rd.skip);
	free(rd.fail);
	out->cleanup_error = ew_repro_remove_dir(out->dir);
	if (e < 0)
		ew_repro_report_free(out);
	return e;
}

static int by_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct ew_repro_case *)elem)->name);
}

static const struct ew_repro_case *case_of(const struct ew_entry *e)
{
	if (!e || !e->name)
		return NULL;
	return bsearch(e->name, ew_catalog_repros, ew_catalog_n_repros,
		       sizeof(*ew_catalog_repros), by_name);
}

bool ew_repro_available(const struct ew_entry *e)
{
	return case_of(e) != NULL;
}

int ew_repro_run(const struct ew_entry *e, struct ew_repro_report *out)
{
	const struct ew_repro_case *c;
	int rc;

	if (!e || !out)
		return -EINVAL;
	if (!(c = case_of(e)))
		return -ENOENT;
	rc = ew_repro_run_fn(ew_catalog_repro_fn((size_t)(c - ew_catalog_repros)), e->family,
			     e->number, EW_REPRO_TIME_LIMIT_MS, out);
	if (rc == 0)
		out->entry = e;
	return rc;
}

void ew_repro_report_free(struct ew_repro_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_steps; i++)
		free(r->steps[i]);
	free(r->steps);
	free(r->call);
	free(r->reason);
	free(r->dir);
	*r = (struct ew_repro_report){.got = EW_REPRO_NO_VALUE};
}

const char *ew_repro_result_key(enum ew_repro_result res)
{
	switch (res) {
	case EW_REPRO_REPRODUCED: return "reproduced";
	case EW_REPRO_MISMATCH: return "mismatch";
	case EW_REPRO_SKIPPED: return "skipped";
	case EW_REPRO_FAILED: return "failed";
	}
	return "?";
}

const char *ew_repro_errno_name(int number)
{
	return ew_family_number_name(EW_FAMILY_ERRNO, number);
}

const char *ew_family_number_name(enum ew_family family, int number)
{
	if (number == 0 && family == EW_FAMILY_ERRNO)
		return "success";
	if ((unsigned)family >= EW_FAMILY_COUNT)
		return NULL;
	for (size_t i = ew_catalog_family_start[family]; i < ew_catalog_family_start[family + 1];
	     i++)
		if (ew_catalog_number[i] == number)
			return ew_catalog_str(ew_catalog_recs[i].name);
	return NULL;
}
