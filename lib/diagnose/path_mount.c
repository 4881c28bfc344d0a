/* path_mount.c: the mount table, from /proc/self/mountinfo, and the options of it that
 * decide file errors (ro, noexec, nosuid, nodev). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "path.h"

/* Read here, not through libmount: the lines' format is fixed by proc(5), errwhy needs five
 * of their fields, and loading libmount (with libblkid, libselinux and libpcre2) was 54% of
 * an errwhy path run: 1,043k of 1,947k instructions (bench/README.md, "path"). */

/* mountinfo spells a space, tab, newline and backslash in a path as \040, \011, \012 and
 * \134 (proc(5)); s is decoded in place. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Whether the comma-separated list opts has the option name, whole. */
static bool has_option(const char *opts, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* The fields of one line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root
 * rw,errors=continue": ID, parent, major:minor, root, mount point, mount options, optional
 * fields up to "-", then type, source, superblock options. */
struct line_fields {
	int id;
	unsigned major, minor;
	char *target, *vfs, *fstype, *sb;
};

static bool split_line(char *line, struct line_fields *f)
{
	char *save = NULL, *tok[6], *end;
	char *t;

	for (int i = 0; i < 6; i++)
		if (!(tok[i] = strtok_r(i ? NULL : line, " \n", &save)))
			return false;
	f->id = (int)strtol(tok[0], &end, 10);
	if (*end || end == tok[0])
		return false;
	f->major = (unsigned)strtoul(tok[2], &end, 10);
	if (*end != ':')
		return false;
	f->minor = (unsigned)strtoul(end + 1, &end, 10);
	if (*end)
		return false;
	f->target = tok[4];
	f->vfs = tok[5];
	while ((t = strtok_r(NULL, " \n", &save)) && strcmp(t, "-") != 0)
		; /* optional fields: shared:N, master:N, ... */
	if (!t || !(f->fstype = strtok_r(NULL, " \n", &save)) || !strtok_r(NULL, " \n", &save))
		return false;
	f->sb = strtok_r(NULL, " \n", &save);
	unescape(f->target);
	return true;
}

static int add_mount(struct ew_path_mounts *m, const struct line_fields *f)
{
	struct ew_path_mount *grown = realloc(m->all, (m->n + 1) * sizeof(*grown));
	dev_t *devs;

	if (!grown)
		return -ENOMEM;
	m->all = grown;
	if (!(devs = realloc(m->devs, (m->n + 1) * sizeof(*devs))))
		return -ENOMEM;
	m->devs = devs;
	grown[m->n] = (struct ew_path_mount){
		.id = f->id, .target = strdup(f->target), .fstype = strdup(f->fstype),
		.ro = has_option(f->vfs, "ro") || has_option(f->sb, "ro"),
		.noexec = has_option(f->vfs, "noexec"), .nosuid = has_option(f->vfs, "nosuid"),
		.nodev = has_option(f->vfs, "nodev")};
	devs[m->n] = makedev(f->major, f->minor);
	m->n++;
	return grown[m->n - 1].target && grown[m->n - 1].fstype ? 0 : -ENOMEM;
}

int ew_path_mounts_read(struct ew_path_mounts *m)
{
	FILE *in;
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	*m = (struct ew_path_mounts){0};
	if (!(in = fopen("/proc/self/mountinfo", "re")))
		return m->error = -errno;
	while (r == 0 && getline(&line, &cap, in) > 0) {
		struct line_fields f;
		if (split_line(line, &f))
			r = add_mount(m, &f);
	}
	free(line);
	fclose(in);
	if (r < 0)
		m->error = r;
	return r;
}

void ew_path_mounts_free(struct ew_path_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->all[i].target);
		free(m->all[i].fstype);
	}
	free(m->all);
	free(m->devs);
	*m = (struct ew_path_mounts){0};
}

const struct ew_path_mount *ew_path_mount_find(const struct ew_path_mounts *m, int id,
					       dev_t dev)
{
	const struct ew_path_mount *found = NULL;

	for (size_t i = 0; i < m->n; i++) {
		if (id >= 0 && m->all[i].id == id)
			return &m->all[i];
		/* The last mount of a device is the one on top, in mountinfo's order. */
		if (id < 0 && m->devs[i] == dev)
			found = &m->all[i];
	}
	return found;
}

int ew_path_mounts_keep(struct ew_path_report *r, const struct ew_path_mounts *m)
{
	size_t n = 0;

	r->mounts = calloc(r->n_components ? r->n_components : 1, sizeof(*r->mounts));
	if (!r->mounts)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_components; i++) {
		const struct ew_path_mount *from = r->components[i].mount;
		size_t k;
		if (!from)
			continue;
		for (k = 0; k < n && r->mounts[k].id != from->id; k++)
			;
		if (k == n) {
			r->mounts[n] = *from;
			r->mounts[n].target = strdup(from->target);
			r->mounts[n].fstype = strdup(from->fstype);
			n++;
			r->n_mounts = n;
			if (!r->mounts[k].target || !r->mounts[k].fstype)
				return -ENOMEM;
		}
		r->components[i].mount = &r->mounts[k];
	}
	(void)m;
	return 0;
}

void ew_path_mount_words(const struct ew_path_mount *mt, char *out, size_t size)
{
	snprintf(out, size, "%s, %s%s%s%s", mt->fstype, mt->ro ? "ro" : "rw",
		 mt->noexec ? ",noexec" : "", mt->nosuid ? ",nosuid" : "",
		 mt->nodev ? ",nodev" : "");
}
