/* path.h: what the files of the path diagnosis share: the user judged for, the permission
 * rules (pure, for the tests), the mount table, the walk, the verdict and its confirmation. */
#ifndef ERRWHY_DIAGNOSE_PATH_H
#define ERRWHY_DIAGNOSE_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "errwhy.h"

#define EW_PATH_MAXSYMLINKS 40 /* path_resolution(7): Linux follows at most 40 */
#define EW_PATH_NONE ((size_t)-1)

/* Whom a path is judged for: credentials as the kernel compares them. uid 0 stands for the
 * capabilities root has (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER); errwhy does not
 * read capability sets, so a capable non-root user is judged by the modes alone. */
struct ew_path_user {
	uint32_t uid, gid;
	gid_t *groups;
	size_t n_groups;
	char *name; /* NULL when the uid has no name */
	bool caller;
};

int ew_path_user_get(struct ew_path_user *u, const char *spec);
void ew_path_user_free(struct ew_path_user *u);
bool ew_path_user_in_group(const struct ew_path_user *u, uint32_t gid);
/* "nobody (uid 65534)", into out. */
void ew_path_user_words(const struct ew_path_user *u, char *out, size_t size);

/* ---- permission rules (path_perm.c) ---- */

enum ew_path_acl_tag { EW_ACL_USER_OBJ, EW_ACL_USER, EW_ACL_GROUP_OBJ, EW_ACL_GROUP,
		       EW_ACL_MASK, EW_ACL_OTHER };

struct ew_path_acl_entry {
	enum ew_path_acl_tag tag;
	uint32_t id;   /* the uid or gid of a named entry */
	unsigned perm; /* 4 read, 2 write, 1 execute */
};

#define EW_PATH_R 4u
#define EW_PATH_W 2u
#define EW_PATH_X 1u

/* Which entry decided an access check, and what it holds. */
struct ew_path_access {
	bool allowed;
	bool by_capability; /* root's CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH decided */
	enum ew_path_acl_tag tag; /* the class (no ACL: USER_OBJ, GROUP_OBJ, OTHER) */
	uint32_t id;        /* of a named entry */
	unsigned perm;      /* the entry's bits */
	unsigned effective; /* after the mask */
	bool masked;        /* a mask applies to the entry */
};

/* The check of generic_permission() and acl(5), "ACCESS CHECK ALGORITHM": want of r/w/x bits
 * on an inode with mode, owner uid and group gid, and its ACL (n 0: none). is_dir matters to
 * root: CAP_DAC_READ_SEARCH searches any directory, but exec needs an x bit somewhere. */
void ew_path_access_check(const struct ew_path_user *u, uint32_t mode, uint32_t uid,
			  uint32_t gid, const struct ew_path_acl_entry *acl, size_t n,
			  unsigned want, struct ew_path_access *out);
/* "rwx", "r-x", "---" for bits. */
void ew_path_perm_string(unsigned perm, char out[4]);
/* The access ACL of path (not following a last symlink), through libacl loaded with dlopen():
 * 0 with *acl (free()) and *n; 0 with n 0 when it has none; -ELIBACC, -errno. */
int ew_path_acl_read(const char *path, struct ew_path_acl_entry **acl, size_t *n);
/* Whether path has an access ACL: its system.posix_acl_access attribute. */
bool ew_path_has_acl(const char *path);

/* The optimal string alignment distance between a and b (edits, swaps of neighbours). */
size_t ew_path_distance(const char *a, const char *b);
/* The names in dir closest to name, best first, at most max (each strdup'ed): names within
 * two edits and a third of the name's length (none for names under three bytes), or
 * differing in case only. */
size_t ew_path_near_names(const char *dir, const char *name, char **out, size_t max);

/* ---- mounts (path_mount.c) ---- */

struct ew_path_mounts {
	struct ew_path_mount *all;
	dev_t *devs;
	size_t n;
	int error; /* why it could not be read, or 0 */
};

int ew_path_mounts_read(struct ew_path_mounts *m);
void ew_path_mounts_free(struct ew_path_mounts *m);
/* The mount with id (when id >= 0), else the last one of device dev; NULL if none. */
const struct ew_path_mount *ew_path_mount_find(const struct ew_path_mounts *m, int id,
					       dev_t dev);
/* Copies the mounts the components use into r->mounts and points them there. */
int ew_path_mounts_keep(struct ew_path_report *r, const struct ew_path_mounts *m);
/* "tmpfs, ro,noexec": the type and the options that matter, into out. */
void ew_path_mount_words(const struct ew_path_mount *mt, char *out, size_t size);

/* ---- the walk (path_walk.c) ---- */

/* Where a walk ended. */
struct ew_path_walk {
	size_t target;  /* index in r->components of the last component, EW_PATH_NONE: missing */
	size_t parent;  /* of the directory the last name is in, EW_PATH_NONE: none (path "/") */
	char *final;    /* the absolute path the last name has (exists or not) */
	bool failed;    /* the walk itself failed: r has its verdict */
};

/* Walks path as u, appending components to r. follow_last: follow a symlink at the end.
 * A failure on the way (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES to search) is set as
 * r's verdict; a missing last name is not a failure when missing_ok (creating it). 0 or
 * -ENOMEM. */
int ew_path_walk(struct ew_path_report *r, const struct ew_path_user *u,
		 const struct ew_path_mounts *m, const char *path, bool follow_last,
		 bool missing_ok, struct ew_path_walk *w);
void ew_path_walk_free(struct ew_path_walk *w);
/* A statx of path (not following a last symlink) into a component c: 0 or -errno. */
int ew_path_component_read(struct ew_path_component *c, const char *path,
			   const struct ew_path_mounts *m, int *mnt_id);
/* The access check of want on c for u, its ACL read when it has one. */
void ew_path_check_perm(const struct ew_path_component *c, const struct ew_path_user *u,
			unsigned want, struct ew_path_access *a);
/* Sets r's verdict EACCES for c: "PATH (MODE OWNER GROUP) has no WHAT permission for USER:
 * the CLASS class applies, and it is BITS". */
void ew_path_set_denied(struct ew_path_report *r, const struct ew_path_component *c,
			const struct ew_path_user *u, const char *what,
			const struct ew_path_access *a);
/* "directory", "regular file", ...; and the JSON key, "dir", "file", .... */
const char *ew_path_type_words(uint32_t mode);
const char *ew_path_type_key(uint32_t mode);
/* Sets r's verdict, component (may be NULL) and reason (printf). */
void ew_path_set_verdict(struct ew_path_report *r, int err, const char *component,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- verdict and confirmation (path_verdict.c, path_confirm.c) ---- */

enum ew_path_check_kind { EW_CHECK_NONE, EW_CHECK_OPEN, EW_CHECK_ACCESS };

/* A read-only call the kernel answers, and what the verdict says it will answer. */
struct ew_path_check {
	enum ew_path_check_kind kind;
	char *path;
	int mode;    /* faccessat's R_OK | W_OK | X_OK */
	bool nofollow;
	int expect;  /* 0 or a positive errno */
	int got;
};

#define EW_PATH_MAX_CHECKS 2

struct ew_path_checks {
	struct ew_path_check c[EW_PATH_MAX_CHECKS];
	size_t n;
};

int ew_path_check_add(struct ew_path_checks *k, enum ew_path_check_kind kind, const char *path,
		      int mode, bool nofollow, int expect);
void ew_path_checks_free(struct ew_path_checks *k);

/* Judges the operation once the walk got through; sets r's verdict and the checks. */
int ew_path_judge(struct ew_path_report *r, const struct ew_path_user *u,
		  const struct ew_path_mounts *m, const struct ew_path_walk *w,
		  const struct ew_path_walk *dest, struct ew_path_checks *k);
/* Runs the checks as u (in a child when u is not the caller) and sets confirmed, kernel and
 * confirmation; when the kernel disagrees, its answer becomes the verdict. */
int ew_path_confirm(struct ew_path_report *r, const struct ew_path_user *u,
		    struct ew_path_checks *k);
/* The processes executing the file dev:ino now: up to max pids and comms. */
size_t ew_path_executors(dev_t dev, ino_t ino, int *pids, char (*comms)[17], size_t max);

#endif
