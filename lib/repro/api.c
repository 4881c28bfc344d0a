/* api.c: what a reproduction body reports, as the child sees it: steps, the call under test,
 * skip and fail reasons, each sent to the runner as a record on the result pipe. */
#include "child.h"

void ew_repro_send(struct ew_repro *r, enum ew_repro_record type, const char *text)
{
	unsigned char rec[3 + EW_REC_TEXT_MAX];
	size_t n = strnlen(text, EW_REC_TEXT_MAX);
	uint16_t len = (uint16_t)n;
	ssize_t w;

	rec[0] = (unsigned char)type;
	memcpy(rec + 1, &len, sizeof(len));
	memcpy(rec + 3, text, n);
	do
		w = write(r->fd, rec, 3 + n);
	while (w < 0 && errno == EINTR);
}

/* printf-like, so that the compilers check the callers' formats (clang asks for it). */
__attribute__((format(printf, 3, 0)))
static void vsend(struct ew_repro *r, enum ew_repro_record type, const char *fmt, va_list ap)
{
	char text[EW_REC_TEXT_MAX + 1];

	vsnprintf(text, sizeof(text), fmt, ap);
	ew_repro_send(r, type, text);
}

void ew_repro_step(struct ew_repro *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsend(r, EW_REC_STEP, fmt, ap);
	va_end(ap);
}

void ew_repro_call(struct ew_repro *r, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsend(r, EW_REC_CALL, fmt, ap);
	va_end(ap);
	/* Named just before the call under test: leave errno as the body had it. */
	errno = saved;
}

int ew_repro_skip(struct ew_repro *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsend(r, EW_REC_SKIP, fmt, ap);
	va_end(ap);
	return EW_REPRO_SKIP;
}

/* The errno of the step that failed goes with the message: "socket(): Too many open files". */
int ew_repro_fail(struct ew_repro *r, const char *fmt, ...)
{
	int saved = errno;
	char what[EW_REC_TEXT_MAX + 1], text[2 * EW_REC_TEXT_MAX]; /* cut when sent */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (saved)
		snprintf(text, sizeof(text), "%s: %s (%s)", what, strerror(saved),
			 strerrorname_np(saved) ? strerrorname_np(saved) : "?");
	else
		snprintf(text, sizeof(text), "%s", what);
	ew_repro_send(r, EW_REC_FAIL, text);
	return EW_REPRO_FAIL;
}

const char *ew_repro_dir(const struct ew_repro *r)
{
	return r->dir;
}

bool ew_repro_root(const struct ew_repro *r)
{
	return r->root;
}
