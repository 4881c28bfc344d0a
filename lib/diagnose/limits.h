/* limits.h: what the files of a limits report share inside liberrwhy: limits.c (the report,
 * the process's rlimits, the system's counters), limits_fds.c and limits_user.c. */
#ifndef ERRWHY_DIAGNOSE_LIMITS_H
#define ERRWHY_DIAGNOSE_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "errwhy.h"

/* The soft and hard value of the row of /proc/PID/limits whose name is name ("Max open
 * files"), EW_LIMIT_UNLIMITED for "unlimited": 0, or -ENOENT when there is no such row or it
 * does not parse. Exposed for the tests. */
int ew_limits_parse_rlimit(const char *text, const char *name, uint64_t *soft, uint64_t *hard);

/* The watches in the text of /proc/PID/fdinfo/N of an inotify fd: one "inotify wd:" line
 * each. Exposed for the tests. */
uint64_t ew_limits_fdinfo_watches(const char *text);

/* The kind of an fd from its /proc/PID/fd link: "socket", "pipe", "anon", "device" (a path
 * under /dev but not /dev/shm), "file" (any other path), or "other" (net:[...], ...). */
const char *ew_limits_fd_kind(const char *link, size_t len);

/* Fills f from /proc/PID/fd: the count, the kinds and the largest groups (not the rlimit).
 * 0 (f->error says why the fds could not be read) or -ENOMEM. */
int ew_limits_read_fds(int pid, struct ew_limits_fds *f);
void ew_limits_fds_clear(struct ew_limits_fds *f);

/* One walk over /proc for the processes of real uid uid: their threads into p (with
 * EW_LIMITS_PROCESSES in parts) and their inotify instances and watches into in (with
 * EW_LIMITS_INOTIFY). The limits themselves are the caller's. 0 or -ENOMEM. */
int ew_limits_scan_user(uint32_t uid, unsigned parts, struct ew_limits_inotify *in,
			struct ew_limits_processes *p);

/* A whole small file (a /proc or /sys one), NUL-terminated, in *out (free it): 0 or -errno. */
int ew_limits_read_text(const char *path, char **out);

#endif
