/* gz.h: reading a file that may be gzip'd, for `errwhy scan`. zlib is loaded with dlopen()
 * the first time a gzip'd file is met, so the command still starts with libc alone. */
#ifndef ERRWHY_GZ_H
#define ERRWHY_GZ_H

#include <stddef.h>
#include <sys/types.h>

struct ew_input;

/* Opens fd for reading (plain or gzip, told by its first bytes); takes fd over. name is for
 * messages. Returns 0 or a negative errno (-ELIBACC: zlib is missing; ew_gz_error() says). */
int ew_input_open(struct ew_input **out, int fd);
/* Up to n bytes; 0 at the end; a negative errno on failure. */
ssize_t ew_input_read(struct ew_input *in, void *buf, size_t n);
void ew_input_close(struct ew_input *in); /* in may be NULL */
const char *ew_gz_error(void);

#endif
