/* holder.h: children that hold loopback ports for the port tests, started by fork() and
 * always ended by their pid; plus a TIME_WAIT maker. */
#ifndef ERRWHY_TEST_HOLDER_H
#define ERRWHY_TEST_HOLDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	HOLD_UDP = 1 << 0,          /* a UDP socket instead of a TCP listener */
	HOLD_V6 = 1 << 1,           /* ::1 */
	HOLD_DUAL = 1 << 2,         /* :: with IPV6_V6ONLY off */
	HOLD_V6ONLY = 1 << 3,       /* :: with IPV6_V6ONLY on */
	HOLD_IGNORE_TERM = 1 << 4,  /* ignore SIGTERM */
	HOLD_SHARE = 1 << 5,        /* a grandchild inherits the socket too */
	HOLD_CLOSE_ON_USR1 = 1 << 6 /* close the socket on SIGUSR1 and live on */
};

struct holder {
	pid_t pid;
	pid_t pid2; /* the grandchild with HOLD_SHARE */
	uint16_t port;
};

/* Starts a holder on an ephemeral port; 0, or -1 (and a message on stderr). */
int holder_start(struct holder *h, unsigned flags);
/* SIGKILL by pid and reap; safe to call twice. */
void holder_stop(struct holder *h);
/* Leaves one TIME_WAIT socket on a fresh loopback port and returns the port, or 0. */
uint16_t holder_timewait(bool reuse);
/* Whether pid has exited (reaping it if it is our child); waits up to ms. */
bool holder_gone(pid_t pid, int ms, int *status);

/* A loopback socket as holder_start's children make (the flags above, but not the process
 * ones), for tests that build their own holders; its fd, or -1. */
int holder_bind(unsigned flags);
/* The local port of a socket, or 0. */
uint16_t holder_port_of(int fd);
/* The inode of the socket bound to port (TCP, the first one sock_diag lists), with its uid
 * and cgroup id when wanted (NULL otherwise); 0 when none. */
uint64_t holder_inode_of(uint16_t port, uint32_t *uid, uint64_t *cgroup_id);

#endif
