/* oom.h: what oom.c (the cgroup side of an OOM report) and oom_kmsg.c (the kernel log side)
 * share inside liberrwhy. */
#ifndef ERRWHY_DIAGNOSE_OOM_H
#define ERRWHY_DIAGNOSE_OOM_H

#include "errwhy.h"

/* Reads the kernel log at path into r's kills, or sets r->kmsg_error. 0 or -ENOMEM. */
int ew_oom_read_kmsg(struct ew_oom_report *r, const char *path);

/* A small file whole, NUL-terminated, in *out (free it): 0 or a negative errno. */
int ew_oom_read_small(const char *path, char **out);

#endif
