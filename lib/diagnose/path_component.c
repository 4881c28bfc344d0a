/* path_component.c: one component of a walk read with statx (type, mode, owner, attributes,
 * mount, symlink target, ACL presence), and the sentences that name it in a verdict. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "path.h"

const char *ew_path_type_words(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symbolic link";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFIFO: return "FIFO";
	case S_IFSOCK: return "socket";
	default: return "regular file";
	}
}

const char *ew_path_type_key(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return "dir";
	case S_IFLNK: return "symlink";
	case S_IFCHR: return "char";
	case S_IFBLK: return "block";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	default: return "file";
	}
}

void ew_path_set_verdict(struct ew_path_report *r, int err, const char *component,
			 const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	free(r->reason);
	free(r->component);
	r->verdict = err;
	r->reason = text;
	r->component = component ? strdup(component) : NULL;
}

/* Names of owners and groups: a path's components mostly share one or two, and each NSS
 * lookup may read /etc/passwd again. A few per thread are kept. */
#define NAME_CACHE 4
struct name_cache {
	uint32_t id[NAME_CACHE];
	char *name[NAME_CACHE];
	bool used[NAME_CACHE];
	unsigned next;
};
static __thread struct name_cache users, groups;

static char *id_name(struct name_cache *c, uint32_t id, bool user)
{
	const char *found = NULL;
	unsigned k;

	for (k = 0; k < NAME_CACHE; k++)
		if (c->used[k] && c->id[k] == id)
			return c->name[k] ? strdup(c->name[k]) : NULL;
	if (user) {
		struct passwd *pw = getpwuid(id);
		found = pw ? pw->pw_name : NULL;
	} else {
		struct group *gr = getgrgid(id);
		found = gr ? gr->gr_name : NULL;
	}
	k = c->next++ % NAME_CACHE;
	free(c->name[k]);
	c->name[k] = found ? strdup(found) : NULL;
	c->id[k] = id;
	c->used[k] = true;
	return found ? strdup(found) : NULL;
}

int ew_path_component_read(struct ew_path_component *c, const char *path,
			   const struct ew_path_mounts *m, int *mnt_id)
{
	struct statx sx;

	*c = (struct ew_path_component){0};
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_MNT_ID, &sx) < 0)
		return -errno;
	if (!(c->path = strdup(path)))
		return -ENOMEM;
	c->mode = sx.stx_mode;
	c->uid = sx.stx_uid;
	c->gid = sx.stx_gid;
	c->owner = id_name(&users, c->uid, true);
	c->group = id_name(&groups, c->gid, false);
	c->immutable = sx.stx_attributes & STATX_ATTR_IMMUTABLE;
	c->append_only = sx.stx_attributes & STATX_ATTR_APPEND;
	c->mount_root = sx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	*mnt_id = sx.stx_mask & STATX_MNT_ID ? (int)sx.stx_mnt_id : -1;
	c->mount = ew_path_mount_find(m, *mnt_id, makedev(sx.stx_dev_major, sx.stx_dev_minor));
	if (S_ISLNK(c->mode)) {
		char buf[PATH_MAX];
		ssize_t n = readlink(path, buf, sizeof(buf) - 1);
		if (n >= 0) {
			buf[n] = '\0';
			if (!(c->target = strdup(buf)))
				return -ENOMEM;
		}
	} else {
		c->acl = ew_path_has_acl(path);
	}
	return 0;
}

void ew_path_check_perm(const struct ew_path_component *c, const struct ew_path_user *u,
			unsigned want, struct ew_path_access *a)
{
	struct ew_path_acl_entry *acl = NULL;
	size_t n = 0;

	/* An ACL that cannot be read is judged by the mode; the kernel's check says the rest. */
	if (c->acl && ew_path_acl_read(c->path, &acl, &n) < 0)
		n = 0;
	ew_path_access_check(u, c->mode, c->uid, c->gid, acl, n, want, a);
	free(acl);
}

static const char *class_name(enum ew_path_acl_tag t)
{
	switch (t) {
	case EW_ACL_USER_OBJ: return "owner";
	case EW_ACL_GROUP_OBJ: return "group";
	case EW_ACL_OTHER: return "other";
	case EW_ACL_USER: return "user";
	case EW_ACL_GROUP: return "group";
	default: return "mask";
	}
}

void ew_path_set_denied(struct ew_path_report *r, const struct ew_path_component *c,
			const struct ew_path_user *u, const char *what,
			const struct ew_path_access *a)
{
	char mode[11], bits[4], eff[4], who[128], cls[160];

	ew_path_mode_string(c->mode, mode);
	ew_path_perm_string(a->perm, bits);
	ew_path_perm_string(a->effective, eff);
	ew_path_user_words(u, who, sizeof(who));
	if (u->uid == 0)
		snprintf(cls, sizeof(cls), "root may execute only what has an x bit, and it has none");
	else if (a->tag == EW_ACL_USER || a->tag == EW_ACL_GROUP) {
		char *name = id_name(a->tag == EW_ACL_USER ? &users : &groups, a->id,
				     a->tag == EW_ACL_USER);
		char id[16];
		snprintf(id, sizeof(id), "%u", a->id);
		snprintf(cls, sizeof(cls), "the ACL entry \"%s:%.32s\" applies, and it is %s%s%s%s",
			 class_name(a->tag), name ? name : id, bits,
			 a->masked ? " (the mask leaves " : "", a->masked ? eff : "",
			 a->masked ? ")" : "");
		free(name);
	} else
		snprintf(cls, sizeof(cls), "the \"%s\" class applies%s%.32s%s, and it is %s%s%s%s",
			 class_name(a->tag), a->tag == EW_ACL_GROUP_OBJ ? " (a member of " : "",
			 a->tag == EW_ACL_GROUP_OBJ ? (c->group ? c->group : "the group") : "",
			 a->tag == EW_ACL_GROUP_OBJ ? ")" : "", bits,
			 a->masked ? " (the ACL mask leaves " : "", a->masked ? eff : "",
			 a->masked ? ")" : "");
	ew_path_set_verdict(r, EACCES, c->path, "%s (%s %s %s%s) has no %s permission for %s: %s",
			    c->path, mode, c->owner ? c->owner : "?", c->group ? c->group : "?",
			    c->acl ? " +acl" : "", what, who, cls);
}
