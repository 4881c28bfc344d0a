/* hs.c: loads vectorscan's runtime (libhs_runtime) with dlopen() at the first scan, and the
 * database tools/patternc compiled at build time. A plain lookup never gets here, so the
 * errwhy command still starts with libc alone. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs_runtime.h>

#include "identify.h"

#ifndef LIBHS_SONAME
#define LIBHS_SONAME "libhs_runtime.so.5"
#endif

struct ew_hs {
	hs_error_t (*deserialize_at)(const char *, size_t, hs_database_t *);
	hs_error_t (*db_size)(const char *, size_t, size_t *);
	hs_error_t (*alloc_scratch)(const hs_database_t *, hs_scratch_t **);
	hs_error_t (*free_scratch)(hs_scratch_t *);
	hs_error_t (*scan)(const hs_database_t *, const char *, unsigned, unsigned,
			   hs_scratch_t *, match_event_handler, void *);
	hs_database_t *db;
};

static struct ew_hs hs;
static const struct ew_hs *loaded;
static char load_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

void ew_identify_set_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(load_error, sizeof(load_error), fmt, ap);
	va_end(ap);
}

const char *ew_identify_error(void)
{
	return load_error[0] ? load_error : "the recogniser is not loaded";
}

static bool resolve(void *h, const char *name, void **slot)
{
	*slot = dlsym(h, name);
	if (!*slot)
		ew_identify_set_error("%s has no symbol %s", LIBHS_SONAME, name);
	return *slot != NULL;
}

static bool load_one(const unsigned char *bytes, size_t n)
{
	size_t size = 0;
	if (hs.db_size((const char *)bytes, n, &size) != HS_SUCCESS)
		return false;
	/* malloc aligns to 16 bytes, which is what vectorscan asks of a database. */
	hs.db = malloc(size);
	if (hs.db && hs.deserialize_at((const char *)bytes, n, hs.db) == HS_SUCCESS)
		return true;
	free(hs.db);
	hs.db = NULL;
	return false;
}

/* The build machine's database first; where this CPU cannot run it (another machine, or
 * valgrind, which hides AVX-512), the one for any x86-64. */
static bool load_db(void)
{
	if (load_one(ew_hs_db, ew_hs_db_size) || load_one(ew_hs_db_generic, ew_hs_db_generic_size))
		return true;
	ew_identify_set_error("the pattern database does not load here (another CPU family or "
			      "vectorscan version, or no memory): rebuild errwhy here");
	return false;
}

static void load(void)
{
	void *h = dlopen(LIBHS_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		ew_identify_set_error("%s (install Debian's libvectorscan5)",
				      e ? e : "cannot load " LIBHS_SONAME);
		return;
	}
	/* Through void **: ISO C has no conversion from void * to a function pointer. */
	bool ok = resolve(h, "hs_deserialize_database_at", (void **)&hs.deserialize_at) &&
		  resolve(h, "hs_serialized_database_size", (void **)&hs.db_size) &&
		  resolve(h, "hs_alloc_scratch", (void **)&hs.alloc_scratch) &&
		  resolve(h, "hs_free_scratch", (void **)&hs.free_scratch) &&
		  resolve(h, "hs_scan", (void **)&hs.scan);
	if (!ok || !load_db()) {
		dlclose(h);
		return;
	}
	loaded = &hs; /* the library stays loaded for the life of the process */
}

const struct ew_hs *ew_hs_get(void)
{
	pthread_once(&once, load);
	return loaded;
}

int ew_hs_scratch_new(const struct ew_hs *h, void **scratch)
{
	hs_scratch_t *s = NULL;
	hs_error_t r = h->alloc_scratch(h->db, &s);
	if (r == HS_NOMEM)
		return -ENOMEM;
	if (r != HS_SUCCESS) {
		ew_identify_set_error("vectorscan cannot make scratch space (error %d)", r);
		return -ELIBACC;
	}
	*scratch = s;
	return 0;
}

void ew_hs_scratch_free(const struct ew_hs *h, void *scratch)
{
	if (h && scratch)
		h->free_scratch(scratch);
}

int ew_hs_scan(const struct ew_hs *h, void *scratch, const char *data, size_t n,
	       ew_hs_match_fn fn, void *ctx)
{
	/* hs_scan takes an unsigned length: the scanner's blocks are far below 4 GiB. */
	hs_error_t r = h->scan(h->db, data, (unsigned)n, 0, scratch, fn, ctx);
	if (r == HS_SUCCESS || r == HS_SCAN_TERMINATED)
		return 0;
	ew_identify_set_error("vectorscan failed to scan (error %d)", r);
	return -EIO;
}
