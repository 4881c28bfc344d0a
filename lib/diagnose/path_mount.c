/* path_mount.c: the mount table (/proc/self/mountinfo, read by libmount loaded with dlopen()
 * at the first path question) and the options of it that decide file errors. */
#include <dlfcn.h>
#include <errno.h>
#include <libmount/libmount.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

#ifndef LIBMOUNT_SONAME
#define LIBMOUNT_SONAME "libmount.so.1"
#endif

/* The few libmount functions used, resolved at run time so that a lookup loads libc alone. */
struct mount_fns {
	__typeof__(mnt_new_table_from_file) *new_table_from_file;
	__typeof__(mnt_unref_table) *unref_table;
	__typeof__(mnt_new_iter) *new_iter;
	__typeof__(mnt_free_iter) *free_iter;
	__typeof__(mnt_table_next_fs) *next_fs;
	__typeof__(mnt_fs_get_id) *get_id;
	__typeof__(mnt_fs_get_devno) *get_devno;
	__typeof__(mnt_fs_get_target) *get_target;
	__typeof__(mnt_fs_get_fstype) *get_fstype;
	__typeof__(mnt_fs_get_vfs_options) *get_vfs_options;
	__typeof__(mnt_fs_get_fs_options) *get_fs_options;
	__typeof__(mnt_optstr_get_option) *get_option;
};

static struct mount_fns fns;
static const struct mount_fns *loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool resolve(void *h, const char *name, void **slot)
{
	return (*slot = dlsym(h, name)) != NULL;
}

static void load(void)
{
	/* libmount brings libblkid, libselinux and libpcre2 (all linked -z now, so RTLD_LAZY
	 * would save nothing): their loading is most of errwhy path's time (bench/README.md). */
	void *h = dlopen(LIBMOUNT_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	if (resolve(h, "mnt_new_table_from_file", (void **)&fns.new_table_from_file) &&
	    resolve(h, "mnt_unref_table", (void **)&fns.unref_table) &&
	    resolve(h, "mnt_new_iter", (void **)&fns.new_iter) &&
	    resolve(h, "mnt_free_iter", (void **)&fns.free_iter) &&
	    resolve(h, "mnt_table_next_fs", (void **)&fns.next_fs) &&
	    resolve(h, "mnt_fs_get_id", (void **)&fns.get_id) &&
	    resolve(h, "mnt_fs_get_devno", (void **)&fns.get_devno) &&
	    resolve(h, "mnt_fs_get_target", (void **)&fns.get_target) &&
	    resolve(h, "mnt_fs_get_fstype", (void **)&fns.get_fstype) &&
	    resolve(h, "mnt_fs_get_vfs_options", (void **)&fns.get_vfs_options) &&
	    resolve(h, "mnt_fs_get_fs_options", (void **)&fns.get_fs_options) &&
	    resolve(h, "mnt_optstr_get_option", (void **)&fns.get_option))
		loaded = &fns;
	else
		dlclose(h);
}

static bool has_option(const char *optstr, const char *name)
{
	char *value;
	size_t len;

	return optstr && loaded->get_option(optstr, name, &value, &len) == 0;
}

static int add_fs(struct ew_path_mounts *m, struct libmnt_fs *fs)
{
	struct ew_path_mount *grown = realloc(m->all, (m->n + 1) * sizeof(*grown));
	dev_t *devs;
	const char *vfs = loaded->get_vfs_options(fs), *sb = loaded->get_fs_options(fs);
	const char *target = loaded->get_target(fs), *type = loaded->get_fstype(fs);

	if (!grown)
		return -ENOMEM;
	m->all = grown;
	if (!(devs = realloc(m->devs, (m->n + 1) * sizeof(*devs))))
		return -ENOMEM;
	m->devs = devs;
	grown[m->n] = (struct ew_path_mount){
		.id = loaded->get_id(fs),
		.target = strdup(target ? target : "?"), .fstype = strdup(type ? type : "?"),
		.ro = has_option(vfs, "ro") || has_option(sb, "ro"),
		.noexec = has_option(vfs, "noexec"), .nosuid = has_option(vfs, "nosuid"),
		.nodev = has_option(vfs, "nodev")};
	devs[m->n] = loaded->get_devno(fs);
	m->n++;
	return grown[m->n - 1].target && grown[m->n - 1].fstype ? 0 : -ENOMEM;
}

int ew_path_mounts_read(struct ew_path_mounts *m)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int r = 0;

	*m = (struct ew_path_mounts){0};
	pthread_once(&once, load);
	if (!loaded)
		return m->error = -ELIBACC;
	if (!(tb = loaded->new_table_from_file("/proc/self/mountinfo")))
		return m->error = -ENOENT;
	if (!(it = loaded->new_iter(MNT_ITER_FORWARD))) {
		loaded->unref_table(tb);
		return m->error = -ENOMEM;
	}
	while (r == 0 && loaded->next_fs(tb, it, &fs) == 0)
		r = add_fs(m, fs);
	loaded->free_iter(it);
	loaded->unref_table(tb);
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
