/* failalloc.c: an LD_PRELOAD library for the out-of-memory tests: from the Nth allocation on
 * (EW_FAIL_AFTER=N), malloc, calloc and realloc return NULL, so every allocation failure
 * errwhy can meet is met in turn. EW_FAIL_AFTER unset: it only counts, and prints the count
 * to stderr at exit when EW_COUNT_ALLOCS is set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t k, size_t n);
void *__libc_realloc(void *p, size_t n);

static long calls, fail_after = -1;

static void report(void)
{
	if (getenv("EW_COUNT_ALLOCS"))
		fprintf(stderr, "allocations: %ld\n", calls);
}

__attribute__((constructor)) static void setup(void)
{
	const char *v = getenv("EW_FAIL_AFTER");

	if (v)
		fail_after = atol(v);
	atexit(report);
}

static int fail(void)
{
	if (fail_after >= 0 && ++calls >= fail_after) {
		errno = ENOMEM;
		return 1;
	}
	if (fail_after < 0)
		calls++;
	return 0;
}

void *malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
	return fail() ? NULL : __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
	return fail() ? NULL : __libc_realloc(p, n);
}
