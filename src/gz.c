/* gz.c: plain or gzip'd input for `errwhy scan`. The first two bytes tell (gzip's magic,
 * RFC 1952: 0x1f 0x8b); those bytes are handed back before the rest. zlib does the inflating,
 * loaded with dlopen() on the first gzip'd file, the way lib/diagnose/mnl.c loads libmnl. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "gz.h"

#ifndef LIBZ_SONAME
#define LIBZ_SONAME "libz.so.1"
#endif

static struct {
	gzFile (*dopen)(int, const char *);
	int (*read)(gzFile, voidp, unsigned);
	int (*close)(gzFile);
	const char *(*error)(gzFile, int *);
} z;
static bool z_loaded;
static char z_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen(LIBZ_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(z_error, sizeof(z_error), "%s", e ? e : "cannot load " LIBZ_SONAME);
		return;
	}
	/* Through void **: ISO C has no conversion from void * to a function pointer. */
	*(void **)&z.dopen = dlsym(h, "gzdopen");
	*(void **)&z.read = dlsym(h, "gzread");
	*(void **)&z.close = dlsym(h, "gzclose");
	*(void **)&z.error = dlsym(h, "gzerror");
	if (!z.dopen || !z.read || !z.close || !z.error) {
		snprintf(z_error, sizeof(z_error), "%s lacks gzdopen/gzread/gzclose/gzerror",
			 LIBZ_SONAME);
		dlclose(h);
		return;
	}
	z_loaded = true;
}

const char *ew_gz_error(void)
{
	return z_error[0] ? z_error : "zlib is not loaded";
}

struct ew_input {
	int fd;
	gzFile gz;
	unsigned char head[2];
	size_t n_head, head_at;
};

static ssize_t read_fd(int fd, void *buf, size_t n)
{
	ssize_t r;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int ew_input_open(struct ew_input **out, int fd)
{
	struct ew_input *in = calloc(1, sizeof(*in));
	ssize_t r = 0;

	if (!in) {
		close(fd);
		return -ENOMEM;
	}
	in->fd = fd;
	while (in->n_head < 2 && (r = read_fd(fd, in->head + in->n_head, 2 - in->n_head)) > 0)
		in->n_head += (size_t)r;
	if (r < 0) {
		ew_input_close(in);
		return (int)r;
	}
	if (in->n_head == 2 && in->head[0] == 0x1f && in->head[1] == 0x8b) {
		pthread_once(&once, load);
		/* zlib must see the magic: rewind when we can, else the file is not seekable. */
		if (!z_loaded || lseek(fd, 0, SEEK_SET) < 0) {
			int e = z_loaded ? -ESPIPE : -ELIBACC;
			if (z_loaded)
				snprintf(z_error, sizeof(z_error),
					 "gzip'd input must be a file, not a pipe (use zcat | errwhy scan)");
			ew_input_close(in);
			return e;
		}
		in->gz = z.dopen(fd, "rb");
		if (!in->gz) {
			ew_input_close(in);
			return -ENOMEM;
		}
		in->fd = -1; /* zlib owns it now */
		in->n_head = 0;
	}
	*out = in;
	return 0;
}

ssize_t ew_input_read(struct ew_input *in, void *buf, size_t n)
{
	if (in->head_at < in->n_head) {
		size_t k = in->n_head - in->head_at < n ? in->n_head - in->head_at : n;
		memcpy(buf, in->head + in->head_at, k);
		in->head_at += k;
		return (ssize_t)k;
	}
	if (!in->gz)
		return read_fd(in->fd, buf, n);
	int r = z.read(in->gz, buf, n > (1u << 30) ? 1u << 30 : (unsigned)n), code = Z_OK;
	/* A cut file reads as an end with Z_BUF_ERROR ("unexpected end of file") set. */
	const char *why = r <= 0 ? z.error(in->gz, &code) : NULL;
	if (r < 0 || (r == 0 && code != Z_OK && code != Z_STREAM_END)) {
		snprintf(z_error, sizeof(z_error), "%s", why ? why : "gzip data error");
		return code == Z_ERRNO ? -errno : -EBADMSG;
	}
	return r;
}

void ew_input_close(struct ew_input *in)
{
	if (!in)
		return;
	if (in->gz)
		z.close(in->gz);
	if (in->fd >= 0)
		close(in->fd);
	free(in);
}
