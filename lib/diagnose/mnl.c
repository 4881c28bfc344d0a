/* mnl.c: loads libmnl with dlopen() the first time a port question needs netlink.
 * The errwhy command must start with libc alone (a lookup loads nothing else), so libmnl is
 * resolved at run time the way systemd loads its optional libraries. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "diagnose.h"

/* Overridable so that a build can check the message for a missing library. */
#ifndef LIBMNL_SONAME
#define LIBMNL_SONAME "libmnl.so.0"
#endif

static struct ew_mnl mnl;
static const struct ew_mnl *loaded;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Resolves one symbol into *slot; false (and a message) when it is missing. */
static bool resolve(void *handle, const char *name, void **slot)
{
	*slot = dlsym(handle, name);
	if (*slot)
		return true;
	snprintf(load_error, sizeof(load_error), "%s has no symbol %s", LIBMNL_SONAME, name);
	return false;
}

static void load(void)
{
	void *h = dlopen(LIBMNL_SONAME, RTLD_NOW | RTLD_LOCAL);
	bool ok;

	if (!h) {
		const char *e = dlerror();
		snprintf(load_error, sizeof(load_error), "%s", e ? e : "cannot load " LIBMNL_SONAME);
		return;
	}
	/* The casts go through void ** because ISO C has no conversion from void * to a
	 * function pointer; POSIX guarantees the representation is the same. */
	ok = resolve(h, "mnl_socket_open", (void **)&mnl.socket_open) &&
	     resolve(h, "mnl_socket_bind", (void **)&mnl.socket_bind) &&
	     resolve(h, "mnl_socket_close", (void **)&mnl.socket_close) &&
	     resolve(h, "mnl_socket_get_portid", (void **)&mnl.socket_get_portid) &&
	     resolve(h, "mnl_socket_sendto", (void **)&mnl.socket_sendto) &&
	     resolve(h, "mnl_socket_recvfrom", (void **)&mnl.socket_recvfrom) &&
	     resolve(h, "mnl_nlmsg_put_header", (void **)&mnl.nlmsg_put_header) &&
	     resolve(h, "mnl_nlmsg_put_extra_header", (void **)&mnl.nlmsg_put_extra_header) &&
	     resolve(h, "mnl_nlmsg_get_payload", (void **)&mnl.nlmsg_get_payload) &&
	     resolve(h, "mnl_attr_put", (void **)&mnl.attr_put) &&
	     resolve(h, "mnl_attr_parse", (void **)&mnl.attr_parse) &&
	     resolve(h, "mnl_attr_get_type", (void **)&mnl.attr_get_type) &&
	     resolve(h, "mnl_attr_get_payload_len", (void **)&mnl.attr_get_payload_len) &&
	     resolve(h, "mnl_attr_get_u8", (void **)&mnl.attr_get_u8) &&
	     resolve(h, "mnl_cb_run", (void **)&mnl.cb_run);
	if (!ok) {
		dlclose(h);
		return;
	}
	/* Kept open for the life of the process: the pointers stay valid. */
	loaded = &mnl;
}

const struct ew_mnl *ew_mnl_load(void)
{
	pthread_once(&once, load);
	return loaded;
}

const char *ew_mnl_error(void)
{
	return load_error[0] ? load_error : "cannot load " LIBMNL_SONAME;
}
