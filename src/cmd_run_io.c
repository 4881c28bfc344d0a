/* cmd_run_io.c: errwhy run's copying: the command's output to errwhy's, every byte and at
 * once, errwhy's keyboard to the pty, and the signals errwhy passes on to the command. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "run.h"

#define CHUNK 65536

int run_term_raw(struct run *r)
{
	struct termios t;

	if (r->in_from < 0 || r->raw)
		return 0;
	if (!r->have_saved) {
		if (tcgetattr(STDIN_FILENO, &r->saved) < 0)
			return -errno;
		r->have_saved = true;
	}
	/* Raw: every key goes to the command's pty, whose own line discipline turns ^C into
	 * its SIGINT and echoes what the command wants echoed. */
	t = r->saved;
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) < 0)
		return -errno;
	r->raw = true;
	return 0;
}

void run_term_restore(struct run *r)
{
	if (!r->raw)
		return;
	while (tcsetattr(STDIN_FILENO, TCSADRAIN, &r->saved) < 0 && errno == EINTR)
		;
	r->raw = false;
}

void run_copy_winsize(const struct run *r)
{
	struct winsize ws;

	if (r->master >= 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(r->master, TIOCSWINSZ, &ws);
}

/* Writes all n bytes, through EINTR, partial writes and a non-blocking fd's EAGAIN (a
 * terminal's flags are shared with whoever else uses it). 0 or -errno. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (w < 0)
			return -errno;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static void deliver(struct run *r, struct run_stream *s, const char *buf, size_t n)
{
	int ret;

	run_scanner_feed(&r->report, &s->scanner, &s->filter, buf, n);
	if (s->to_closed)
		return;
	ret = write_all(s->to, buf, n);
	if (ret == 0) {
		if (s->to == STDOUT_FILENO)
			r->last_out = (unsigned char)buf[n - 1];
		else
			r->last_err = (unsigned char)buf[n - 1];
		return;
	}
	/* Our reader went away (errwhy run ... | head): the command runs on, to its own end,
	 * and its status is still ours to return. Anything else is said once, at the end. */
	s->to_closed = true;
	if (ret != -EPIPE && !r->write_error)
		r->write_error = ret;
}

/* One read from a stream: its bytes delivered, or its end noted. */
static void pump(struct run *r, struct run_stream *s, char *buf)
{
	ssize_t n = read(s->from, buf, CHUNK);

	if (n > 0) {
		deliver(r, s, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	/* Linux answers EIO on a pty master once every slave fd is closed: the end of output,
	 * after everything written before it has been read. */
	if (n < 0 && !(s->pty && errno == EIO))
		fprintf(stderr, "errwhy run: cannot read the command's output: %s\n",
			strerror(errno));
	s->done = true;
}

/* Pty mode: keys from errwhy's stdin to the master, through a buffer, so that a command that
 * reads nothing cannot block errwhy while its output waits. */
struct keys {
	char buf[4096];
	size_t len, off;
};

static void read_keys(struct run *r, struct keys *k)
{
	ssize_t n = read(r->in_from, k->buf, sizeof(k->buf));

	if (n > 0) {
		k->len = (size_t)n;
		k->off = 0;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		r->in_from = -1; /* errwhy's stdin ended: the command's keyboard is quiet */
	}
}

static void write_keys(struct run *r, struct keys *k)
{
	ssize_t n = write(r->master, k->buf + k->off, k->len - k->off);

	if (n > 0)
		k->off += (size_t)n;
	else if (n < 0 && errno != EINTR && errno != EAGAIN)
		k->off = k->len; /* the pty is going away; its output tells the rest */
	if (k->off == k->len)
		k->len = k->off = 0;
}

static void reap(struct run *r)
{
	int st;
	pid_t p;

	do
		p = waitpid(r->pid, &st, WNOHANG);
	while (p < 0 && errno == EINTR);
	if (p == r->pid) {
		r->wait_status = st;
		r->reaped = true;
	} else if (p < 0 && errno == ECHILD) {
		r->reaped = true; /* cannot happen unless someone reaped it for us */
	}
}

/* The command's process group: on a pty, the one in its foreground (a shell's job). */
static pid_t target(const struct run *r)
{
	pid_t fg;

	if (!r->pty)
		return r->pid;
	fg = tcgetpgrp(r->master);
	return fg > 0 ? -fg : -r->pid;
}

/* errwhy stops (^Z arrives as a key on the pty, so this is a SIGTSTP sent to errwhy): the
 * terminal as it was, the command told, and errwhy stopped until SIGCONT. */
static void stop_self(struct run *r)
{
	run_term_restore(r);
	if (!r->reaped)
		kill(target(r), SIGTSTP);
	kill(getpid(), SIGSTOP);
}

static void on_signal(struct run *r)
{
	struct signalfd_siginfo si;

	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		switch (sig) {
		case SIGCHLD:
			if (!r->reaped)
				reap(r);
			break;
		case SIGWINCH:
			run_copy_winsize(r);
			break;
		case SIGTSTP:
			stop_self(r);
			break;
		case SIGCONT:
			run_term_raw(r);
			run_copy_winsize(r);
			if (!r->reaped)
				kill(target(r), SIGCONT);
			break;
		default:
			/* On pipes the command shares errwhy's process group, and a signal from
			 * the terminal (^C: SI_KERNEL) reached it already; one sent to errwhy
			 * alone is passed on. On a pty nothing reaches the command but through
			 * errwhy. */
			if (sig == SIGHUP)
				run_term_restore(r);
			if (!r->reaped && (r->pty || si.ssi_code != SI_KERNEL))
				kill(target(r), sig);
			break;
		}
	}
}

/* Polls the command's output, errwhy's stdin (pty mode) and the signals until the output
 * ended and the command was reaped. */
int run_copy(struct run *r)
{
	static char buf[CHUNK];
	struct keys keys = {0};

	reap(r);
	while (!r->out.done || !r->err.done || !r->reaped) {
		struct pollfd p[5];
		int n = 0, i_out = -1, i_err = -1, i_in = -1, i_keys = -1, i_sig;

		if (!r->out.done)
			p[i_out = n++] = (struct pollfd){.fd = r->out.from, .events = POLLIN};
		if (!r->err.done)
			p[i_err = n++] = (struct pollfd){.fd = r->err.from, .events = POLLIN};
		if (r->out.done) /* the pty is gone: nobody to type to */
			r->in_from = -1;
		if (r->in_from >= 0 && keys.len == 0)
			p[i_in = n++] = (struct pollfd){.fd = r->in_from, .events = POLLIN};
		if (keys.len > 0 && !r->out.done)
			p[i_keys = n++] = (struct pollfd){.fd = r->master, .events = POLLOUT};
		p[i_sig = n++] = (struct pollfd){.fd = r->sigfd, .events = POLLIN};
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (i_out >= 0 && p[i_out].revents)
			pump(r, &r->out, buf);
		if (i_err >= 0 && p[i_err].revents)
			pump(r, &r->err, buf);
		if (i_in >= 0 && p[i_in].revents)
			read_keys(r, &keys);
		if (i_keys >= 0 && p[i_keys].revents)
			write_keys(r, &keys);
		if (p[i_sig].revents)
			on_signal(r);
	}
	return 0;
}
