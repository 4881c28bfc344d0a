/* stop.c: stops the processes that hold a port, safely: a pidfd is opened first, then the
 * process is checked to still hold the socket, and only then signalled through the pidfd,
 * so a pid that was reused in between is never hit. PID 1, errwhy and its ancestors never are. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "diagnose.h"

/* Called through syscall(): glibc before 2.36 has no wrappers. */
static int pidfd_open(int pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int ew_port_may_signal(int pid, const char **why)
{
	const char *reason = NULL;

	if (pid <= 0)
		reason = "not a single process"; /* kill(2): a process group, or every process */
	else if (pid == 1)
		reason = "PID 1";
	else if (pid == getpid())
		reason = "errwhy itself";
	for (int p = getppid(), steps = 0; !reason && p > 1 && steps < 4096; steps++) {
		if (p == pid)
			reason = "an ancestor of errwhy";
		p = ew_proc_ppid(p);
	}
	if (why)
		*why = reason;
	return reason ? -EPERM : 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until every open pidfd reports its process gone, or timeout_ms passes. */
static void wait_exits(const int *pidfds, struct ew_port_stop_result *out, size_t n,
		       uint64_t timeout_ms)
{
	/* Ten million seconds is as far as --timeout goes; cap to keep the sum in range. */
	long long deadline = now_ms() + (long long)(timeout_ms < (1ull << 50) ? timeout_ms
									 : (1ull << 50));
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));

	for (;;) {
		size_t k = 0;
		long long left = deadline - now_ms();

		for (size_t i = 0; i < n; i++) {
			if (pidfds[i] < 0 || out[i].exited)
				continue;
			if (!pfd) {
				/* Without memory to poll, poll each in turn without waiting. */
				struct pollfd one = {.fd = pidfds[i], .events = POLLIN};
				if (poll(&one, 1, 0) > 0)
					out[i].exited = true;
				continue;
			}
			pfd[k++] = (struct pollfd){.fd = pidfds[i], .events = POLLIN};
		}
		if (k == 0 || left <= 0)
			break;
		if (!pfd) {
			usleep(20000);
			continue;
		}
		/* POLLIN on a pidfd: the process has exited. */
		if (poll(pfd, k, (int)(left > 100 ? 100 : left)) < 0 && errno != EINTR)
			break;
		for (size_t j = 0; j < k; j++)
			for (size_t i = 0; i < n; i++)
				if (pidfds[i] == pfd[j].fd && (pfd[j].revents & (POLLIN | POLLHUP)))
					out[i].exited = true;
	}
	free(pfd);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int ew_port_stop(const struct ew_port_report *r, int sig, uint64_t timeout_ms,
		 struct ew_port_stop_result *out)
{
	uint64_t *inodes;
	int *pidfds;
	size_t n_inodes = 0;
	int ret = 0;

	if (!r || !out || !ew_signal_name(sig))
		return -EINVAL;
	inodes = calloc(r->n_sockets ? r->n_sockets : 1, sizeof(*inodes));
	pidfds = calloc(r->n_procs ? r->n_procs : 1, sizeof(*pidfds));
	if (!inodes || !pidfds) {
		free(inodes);
		free(pidfds);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n_procs; i++) {
		out[i] = (struct ew_port_stop_result){.pid = r->procs[i]->pid};
		memcpy(out[i].comm, r->procs[i]->comm, sizeof(out[i].comm));
		pidfds[i] = -1;
		if (ew_port_may_signal(out[i].pid, NULL) < 0) {
			out[i].error = -EPERM;
			ret = -EPERM;
		}
	}
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < r->n_sockets; i++)
		if (r->sockets[i].inode)
			inodes[n_inodes++] = r->sockets[i].inode;
	if (n_inodes)
		qsort(inodes, n_inodes, sizeof(*inodes), cmp_u64);

	for (size_t i = 0; i < r->n_procs; i++) {
		int held;

		pidfds[i] = pidfd_open(out[i].pid);
		if (pidfds[i] < 0) {
			out[i].error = -errno;
			out[i].exited = errno == ESRCH;
			continue;
		}
		/* The pidfd now pins this very process; if it is still the holder, it is the
		 * process the report meant, not a newcomer that inherited the pid. */
		held = ew_proc_holds(out[i].pid, inodes, n_inodes);
		if (held <= 0) {
			out[i].error = held == 0 ? -ESTALE : held;
			out[i].exited = held == -ESRCH;
			close(pidfds[i]);
			pidfds[i] = -1;
			continue;
		}
		if (pidfd_signal(pidfds[i], sig) < 0) {
			out[i].error = -errno;
			out[i].exited = errno == ESRCH;
			continue;
		}
		out[i].signalled = true;
	}
	wait_exits(pidfds, out, r->n_procs, timeout_ms);
	if (sig != SIGKILL) {
		bool any = false;
		for (size_t i = 0; i < r->n_procs; i++) {
			if (pidfds[i] < 0 || out[i].exited || !out[i].signalled)
				continue;
			if (pidfd_signal(pidfds[i], SIGKILL) == 0) {
				out[i].killed = true;
				any = true;
			}
		}
		/* SIGKILL cannot be caught; a process stuck in the kernel (D state) may still
		 * take a moment. */
		if (any)
			wait_exits(pidfds, out, r->n_procs, 5000);
	}
out:
	if (pidfds)
		for (size_t i = 0; i < r->n_procs; i++)
			if (pidfds[i] >= 0)
				close(pidfds[i]);
	free(pidfds);
	free(inodes);
	return ret;
}
