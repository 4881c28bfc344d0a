/* path_perm.c: the permission rules of path_resolution(7) and acl(5) on given modes and ACLs,
 * mode strings, and the near-miss names of a missing one. libacl is loaded at first use. */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/acl.h>
#include <acl/libacl.h> /* acl_get_perm() */
#include <sys/stat.h>
#include <sys/xattr.h>

#include "path.h"

#ifndef LIBACL_SONAME
#define LIBACL_SONAME "libacl.so.1"
#endif

void ew_path_perm_string(unsigned perm, char out[4])
{
	out[0] = perm & EW_PATH_R ? 'r' : '-';
	out[1] = perm & EW_PATH_W ? 'w' : '-';
	out[2] = perm & EW_PATH_X ? 'x' : '-';
	out[3] = '\0';
}

static char type_char(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	default: return '-';
	}
}

/* The x place of ls -l: s/S for set-id, t/T for sticky, with or without the x under it. */
static char exec_char(bool x, bool special, char on)
{
	if (special)
		return x ? on : (char)toupper((unsigned char)on);
	return x ? 'x' : '-';
}

void ew_path_mode_string(uint32_t mode, char out[11])
{
	out[0] = type_char(mode);
	for (int k = 0; k < 3; k++) {
		unsigned bits = (mode >> (6 - 3 * k)) & 7;
		out[1 + 3 * k] = bits & 4 ? 'r' : '-';
		out[2 + 3 * k] = bits & 2 ? 'w' : '-';
	}
	out[3] = exec_char(mode & S_IXUSR, mode & S_ISUID, 's');
	out[6] = exec_char(mode & S_IXGRP, mode & S_ISGID, 's');
	out[9] = exec_char(mode & S_IXOTH, mode & S_ISVTX, 't');
	out[10] = '\0';
}

/* Root: CAP_DAC_OVERRIDE reads and writes anything and executes what has an x bit;
 * CAP_DAC_READ_SEARCH (and override) searches and reads any directory (capabilities(7)). */
static bool root_may(uint32_t mode, unsigned want)
{
	if (!(want & EW_PATH_X) || S_ISDIR(mode))
		return true;
	return (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
}

static void decide(struct ew_path_access *out, enum ew_path_acl_tag tag, uint32_t id,
		   unsigned perm, unsigned mask, bool masked, unsigned want)
{
	out->tag = tag;
	out->id = id;
	out->perm = perm;
	out->masked = masked;
	out->effective = masked ? perm & mask : perm;
	out->allowed = (out->effective & want) == want;
}

/* acl(5): owner; else a named user (masked); else the owning group and named groups the user
 * is in, any one that grants (masked); else other. Without an ACL, the mode's three classes. */
void ew_path_access_check(const struct ew_path_user *u, uint32_t mode, uint32_t uid,
			  uint32_t gid, const struct ew_path_acl_entry *acl, size_t n,
			  unsigned want, struct ew_path_access *out)
{
	unsigned mask = 7, group_perm = (mode >> 3) & 7;
	bool has_mask = false, in_group = false;

	*out = (struct ew_path_access){0};
	for (size_t i = 0; i < n; i++)
		if (acl[i].tag == EW_ACL_MASK) {
			mask = acl[i].perm;
			has_mask = true;
		} else if (acl[i].tag == EW_ACL_GROUP_OBJ) {
			group_perm = acl[i].perm;
		}
	if (u->uid == uid) {
		decide(out, EW_ACL_USER_OBJ, uid, (mode >> 6) & 7, 7, false, want);
	} else {
		for (size_t i = 0; i < n; i++)
			if (acl[i].tag == EW_ACL_USER && acl[i].id == u->uid) {
				decide(out, EW_ACL_USER, acl[i].id, acl[i].perm, mask, has_mask, want);
				goto capability;
			}
		if (ew_path_user_in_group(u, gid)) {
			in_group = true;
			decide(out, EW_ACL_GROUP_OBJ, gid, group_perm, mask, has_mask, want);
			if (out->allowed)
				goto capability;
		}
		for (size_t i = 0; i < n; i++)
			if (acl[i].tag == EW_ACL_GROUP && ew_path_user_in_group(u, acl[i].id)) {
				struct ew_path_access g;
				decide(&g, EW_ACL_GROUP, acl[i].id, acl[i].perm, mask, has_mask, want);
				if (g.allowed || !in_group) {
					*out = g;
					in_group = true;
				}
				if (g.allowed)
					goto capability;
			}
		if (!in_group)
			decide(out, EW_ACL_OTHER, 0, mode & 7, 7, false, want);
	}
capability:
	if (!out->allowed && u->uid == 0 && root_may(mode, want)) {
		out->allowed = true;
		out->by_capability = true;
	}
}

/* ---- ACLs through libacl ---- */

struct acl_fns {
	__typeof__(acl_get_file) *get_file;
	__typeof__(acl_get_entry) *get_entry;
	__typeof__(acl_get_tag_type) *get_tag_type;
	__typeof__(acl_get_qualifier) *get_qualifier;
	__typeof__(acl_get_permset) *get_permset;
	__typeof__(acl_get_perm) *get_perm;
	__typeof__(acl_free) *free;
};

static struct acl_fns acl_fns;
static const struct acl_fns *acl_loaded;
static pthread_once_t acl_once = PTHREAD_ONCE_INIT;

static void acl_load(void)
{
	void *h = dlopen(LIBACL_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	/* Through void **: ISO C has no cast from void * to a function pointer (mnl.c). */
	*(void **)&acl_fns.get_file = dlsym(h, "acl_get_file");
	*(void **)&acl_fns.get_entry = dlsym(h, "acl_get_entry");
	*(void **)&acl_fns.get_tag_type = dlsym(h, "acl_get_tag_type");
	*(void **)&acl_fns.get_qualifier = dlsym(h, "acl_get_qualifier");
	*(void **)&acl_fns.get_permset = dlsym(h, "acl_get_permset");
	*(void **)&acl_fns.get_perm = dlsym(h, "acl_get_perm");
	*(void **)&acl_fns.free = dlsym(h, "acl_free");
	if (acl_fns.get_file && acl_fns.get_entry && acl_fns.get_tag_type &&
	    acl_fns.get_qualifier && acl_fns.get_permset && acl_fns.get_perm && acl_fns.free)
		acl_loaded = &acl_fns;
	else
		dlclose(h);
}

bool ew_path_has_acl(const char *path)
{
	return lgetxattr(path, "system.posix_acl_access", NULL, 0) > 0;
}

static int tag_of(acl_tag_t t)
{
	switch (t) {
	case ACL_USER_OBJ: return EW_ACL_USER_OBJ;
	case ACL_USER: return EW_ACL_USER;
	case ACL_GROUP_OBJ: return EW_ACL_GROUP_OBJ;
	case ACL_GROUP: return EW_ACL_GROUP;
	case ACL_MASK: return EW_ACL_MASK;
	case ACL_OTHER: return EW_ACL_OTHER;
	default: return -1;
	}
}

static int entry_of(const struct acl_fns *f, acl_entry_t e, struct ew_path_acl_entry *out)
{
	acl_tag_t t;
	acl_permset_t ps;
	int tag;

	if (f->get_tag_type(e, &t) < 0 || (tag = tag_of(t)) < 0 || f->get_permset(e, &ps) < 0)
		return -1;
	out->tag = (enum ew_path_acl_tag)tag;
	out->id = 0;
	if (tag == EW_ACL_USER || tag == EW_ACL_GROUP) {
		void *q = f->get_qualifier(e);
		if (!q)
			return -1;
		out->id = tag == EW_ACL_USER ? *(uid_t *)q : *(gid_t *)q;
		f->free(q);
	}
	out->perm = (f->get_perm(ps, ACL_READ) > 0 ? EW_PATH_R : 0) |
		    (f->get_perm(ps, ACL_WRITE) > 0 ? EW_PATH_W : 0) |
		    (f->get_perm(ps, ACL_EXECUTE) > 0 ? EW_PATH_X : 0);
	return 0;
}

int ew_path_acl_read(const char *path, struct ew_path_acl_entry **acl, size_t *n)
{
	const struct acl_fns *f;
	acl_t a;
	acl_entry_t e;
	int id = ACL_FIRST_ENTRY;

	*acl = NULL;
	*n = 0;
	if (!ew_path_has_acl(path))
		return 0;
	pthread_once(&acl_once, acl_load);
	if (!(f = acl_loaded))
		return -ELIBACC;
	if (!(a = f->get_file(path, ACL_TYPE_ACCESS)))
		return -errno;
	while (f->get_entry(a, id, &e) == 1) {
		struct ew_path_acl_entry *grown = realloc(*acl, (*n + 1) * sizeof(**acl));
		id = ACL_NEXT_ENTRY;
		if (!grown) {
			f->free(a);
			return -ENOMEM;
		}
		*acl = grown;
		if (entry_of(f, e, &grown[*n]) == 0)
			(*n)++;
	}
	f->free(a);
	return 0;
}

/* ---- near misses ---- */

size_t ew_path_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *d = calloc((la + 1) * (lb + 1), sizeof(*d)), r;

	if (!d)
		return SIZE_MAX;
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = D(i - 1, j - 1) + cost;
			if (D(i - 1, j) + 1 < best)
				best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

/* How far a candidate is: 0 for a difference of case alone, SIZE_MAX when too far. */
static size_t near_score(const char *name, const char *cand)
{
	size_t len = strlen(name), limit = len / 3, dist;

	if (strcasecmp(name, cand) == 0)
		return 0;
	/* A name of one or two letters is near every other short name: only its case counts. */
	if (limit < 1)
		return SIZE_MAX;
	if (limit > 2)
		limit = 2;
	/* Names of very different lengths are never within two edits: skip the table. */
	if (strlen(cand) > len + limit || strlen(cand) + limit < len)
		return SIZE_MAX;
	dist = ew_path_distance(name, cand);
	return dist <= limit ? dist : SIZE_MAX;
}

size_t ew_path_near_names(const char *dir, const char *name, char **out, size_t max)
{
	size_t n = 0, score[8];
	DIR *d;
	struct dirent *de;

	if (max > 8)
		max = 8;
	if (!max || !(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		size_t s = near_score(name, de->d_name), at;
		if (s == SIZE_MAX || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* Insert by score, then name, keeping the best max. */
		for (at = n; at > 0 && (score[at - 1] > s ||
				       (score[at - 1] == s && strcmp(out[at - 1], de->d_name) > 0));
		     at--)
			;
		if (at >= max)
			continue;
		if (n == max)
			free(out[--n]);
		memmove(out + at + 1, out + at, (n - at) * sizeof(*out));
		memmove(score + at + 1, score + at, (n - at) * sizeof(*score));
		if (!(out[at] = strdup(de->d_name))) {
			memmove(out + at, out + at + 1, (n - at) * sizeof(*out));
			memmove(score + at, score + at + 1, (n - at) * sizeof(*score));
			continue;
		}
		score[at] = s;
		n++;
	}
	closedir(d);
	return n;
}
