/* diagnose.h: what the files of lib/diagnose/ share inside liberrwhy: the lazily loaded libmnl,
 * the sock_diag query, the /proc scans and the reading of one process. */
#ifndef ERRWHY_DIAGNOSE_H
#define ERRWHY_DIAGNOSE_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errwhy.h"

/* The few libmnl functions errwhy uses, resolved with dlopen() at first use so that a plain
 * lookup never loads libmnl. Compiled against libmnl's header only, so the types match. */
struct ew_mnl {
	__typeof__(mnl_socket_open) *socket_open;
	__typeof__(mnl_socket_bind) *socket_bind;
	__typeof__(mnl_socket_close) *socket_close;
	__typeof__(mnl_socket_get_portid) *socket_get_portid;
	__typeof__(mnl_socket_sendto) *socket_sendto;
	__typeof__(mnl_socket_recvfrom) *socket_recvfrom;
	__typeof__(mnl_nlmsg_put_header) *nlmsg_put_header;
	__typeof__(mnl_nlmsg_put_extra_header) *nlmsg_put_extra_header;
	__typeof__(mnl_nlmsg_get_payload) *nlmsg_get_payload;
	__typeof__(mnl_attr_put) *attr_put;
	__typeof__(mnl_attr_parse) *attr_parse;
	__typeof__(mnl_attr_get_type) *attr_get_type;
	__typeof__(mnl_attr_get_payload_len) *attr_get_payload_len;
	__typeof__(mnl_attr_get_u8) *attr_get_u8;
	__typeof__(mnl_cb_run) *cb_run;
};

/* The loaded functions, or NULL (then ew_mnl_error() says why). Thread-safe. */
const struct ew_mnl *ew_mnl_load(void);
const char *ew_mnl_error(void);

/* Appends to *sockets every socket of the protocols in protos whose local port is port, both
 * families, as sock_diag reports them with the port filter run in the kernel. */
int ew_sockets_query(uint16_t port, unsigned protos, struct ew_port_socket **sockets,
		     size_t *n);

/* One socket inode looked for in /proc, with the uid and the cgroup v2 id (0 unknown) of its
 * creator as hints. */
struct ew_scan_target {
	uint64_t inode;
	uint32_t uid;
	uint64_t cgroup_id;
	size_t n_found;
};

/* A process found holding a target. */
struct ew_scan_hit {
	int pid;
	uint64_t inode;
};

struct ew_scan_result {
	struct ew_scan_hit *hits;
	size_t n_hits;
	unsigned unreadable; /* processes whose fd directory or fd links we may not read */
	int *unreadable_pids; /* their pids (unreadable of them, or fewer without memory) */
	bool complete;       /* every process was read */
	size_t n_read;       /* processes whose fds were read (how well the order did) */
};

/* The pids (sorted) of the cgroup v2 whose id is id, as sock_diag reports it: 0, with none
 * when id names the root (which holds every process not placed elsewhere); -ENOENT when there
 * is no such cgroup or no v2 hierarchy. Exposed for the tests. */
int ew_cgroup_pids_by_id(uint64_t id, int **pids, size_t *n);

/* Finds the processes that hold the targets (sorted by inode, no duplicates). all: read every
 * process; else stop once every target has a holder. */
int ew_scan_holders(struct ew_scan_target *targets, size_t n, bool all,
		    struct ew_scan_result *res);
void ew_scan_result_free(struct ew_scan_result *res);

/* Whether pid has one of the sorted inodes among its open files now: 1, 0, or -errno. */
int ew_proc_holds(int pid, const uint64_t *inodes, size_t n);

/* Reads what a report says about pid. -ESRCH when it is gone. */
int ew_proc_read(int pid, struct ew_port_holder *h);
void ew_proc_clear(struct ew_port_holder *h);
/* One record of getdents64(2), which the /proc walks call straight into a stack buffer. */
struct ew_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The name of a uid (getpwuid_r), malloc'ed, or NULL when it has none. */
char *ew_user_name(uint32_t uid);
/* The parent of pid, or a negative errno. */
int ew_proc_ppid(int pid);

/* From a /proc/PID/cgroup path: the systemd unit and the container, each NULL when absent.
 * Exposed for the tests. */
int ew_cgroup_parse(const char *path, char **unit, bool *user_unit, char **runtime,
		    char **id);

#endif
