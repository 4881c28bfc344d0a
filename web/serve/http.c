/* http.c: the request handler. Routing is a lookup in the table site.c built: no file is
 * opened at request time, so no path can reach the file system. Only search, identify,
 * redirects and errors are made per request. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errwhy.h"
#include "serve.h"

#define TYPE_HTML "text/html; charset=utf-8"
#define TYPE_JSON "application/json; charset=utf-8"
/* Answers and errors echo what was asked (a pasted log line may name private hosts and
 * paths): no cache, shared or private, keeps them. */
#define CACHE_DYNAMIC "no-store"
#define CACHE_REDIRECT "public, max-age=300"
#define MATCHES_MAX 8

static const char too_long_html[] =
	"<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>Query too long</title>"
	"<h1>Query too long</h1><p>A query may be at most 8192 bytes. Paste the line with the "
	"error rather than the whole log, or run <code>errwhy scan FILE</code>.</p>"
	"<p><a href=\"/\">All Linux / POSIX errors</a></p>\n";

/* Queues a response made for this request; MHD holds it until sent. */
static enum MHD_Result send_made(struct MHD_Connection *c, unsigned status,
				 struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A body of this request (b is taken over) with the common headers. */
static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status, struct ew_buf *b,
				 const char *type)
{
	struct MHD_Response *r;

	if (b->failed) {
		ew_buf_free(b);
		return MHD_NO;
	}
	r = MHD_create_response_from_buffer(b->len, b->data ? b->data : (void *)"",
					    b->data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		ew_buf_free(b);
		return MHD_NO;
	}
	*b = (struct ew_buf){0};
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, CACHE_DYNAMIC) != MHD_YES ||
	    !serve_add_security_headers(r)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return send_made(c, status, r);
}

static enum MHD_Result send_static(struct MHD_Connection *c, unsigned status, const char *text,
				   const char *type)
{
	struct ew_buf b;

	ew_buf_init(&b);
	ew_buf_puts(&b, text);
	return send_body(c, status, &b, type);
}

static enum MHD_Result send_json_error(struct MHD_Connection *c, unsigned status,
				       const char *error, const char *path)
{
	struct ew_buf b;

	ew_buf_init(&b);
	if (ew_render_json_error(&b, error, path, path ? strlen(path) : 0,
				 status == MHD_HTTP_URI_TOO_LONG ? EW_ANSWER_MAX_QUERY : -1) < 0 ||
	    serve_json_harden(&b) < 0) {
		ew_buf_free(&b);
		return MHD_NO;
	}
	return send_body(c, status, &b, TYPE_JSON);
}

static enum MHD_Result send_redirect(struct MHD_Connection *c, unsigned status,
				     const char *prefix, const char *name)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
								 MHD_RESPMEM_PERSISTENT);
	char location[256];

	if (!r)
		return MHD_NO;
	snprintf(location, sizeof(location), "%s%s", prefix, name);
	/* 301 is cached without end by some browsers; max-age bounds it, as a mapping such as
	 * /errno/98 belongs to this machine's numbers. */
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				    status == MHD_HTTP_MOVED_PERMANENTLY ? CACHE_REDIRECT
									  : CACHE_DYNAMIC) != MHD_YES ||
	    !serve_add_security_headers(r)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return send_made(c, status, r);
}

/* Browsers ask for /favicon.ico whatever the page says; the site has no icon, and a 404 would
 * show as a failed load in every page's console. 204: nothing, for a day. */
static enum MHD_Result send_no_icon(struct MHD_Connection *c)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
								 MHD_RESPMEM_PERSISTENT);

	if (!r)
		return MHD_NO;
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400") !=
		    MHD_YES || !serve_add_security_headers(r)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return send_made(c, MHD_HTTP_NO_CONTENT, r);
}

static enum MHD_Result send_page(struct MHD_Connection *c, const struct page *p)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_ENCODING);
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	const struct variant *v = p->gz.ok && serve_accepts_gzip(ae) ? &p->gz : &p->plain;

	if (p->status == MHD_HTTP_OK && inm && serve_etag_matches(inm, v->etag))
		return MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, v->not_modified);
	return MHD_queue_response(c, p->status, v->ok);
}

static enum MHD_Result send_not_found(struct MHD_Connection *c, const struct site *s,
				      const char *url)
{
	struct ew_buf b;

	if (strncmp(url, "/api/", 5) == 0)
		return send_json_error(c, MHD_HTTP_NOT_FOUND, "not found", url);
	ew_buf_init(&b);
	if (ew_render_html_not_found(&b, url, strlen(url), EW_HTML_SERVER) == 0 && !b.failed)
		return send_body(c, MHD_HTTP_NOT_FOUND, &b, TYPE_HTML);
	ew_buf_free(&b);
	return send_page(c, s->not_found);
}

/* The one entry a query names within family (-1: any; several matches of one entry count as
 * one), or NULL. */
static const struct ew_entry *single_entry(const char *q, int family)
{
	struct ew_match m[MATCHES_MAX];
	size_t total, n = ew_lookup_in(q, family, m, MATCHES_MAX, &total);

	if (n == 0 || total > n)
		return NULL;
	for (size_t i = 1; i < n; i++)
		if (m[i].entry != m[0].entry)
			return NULL;
	return m[0].entry;
}

/* /errno/eaddrinuse, /errno/98, /errno/EWOULDBLOCK, /errno/EADDRINUSE.html (the export's
 * name), /signal/9, /signal/kill, /exit/EXIT_EXEC, /resolver/-2: the entry's own page, when
 * the rest names exactly one entry of the family (-1 for the API: of any family). An alias
 * stays in its family: /signal/SIGIO goes to /signal/SIGPOLL. */
static enum MHD_Result try_redirect(struct MHD_Connection *c, const struct site *s,
				    const char *url, const char *prefix, int family)
{
	size_t plen = strlen(prefix), n = strlen(url) - plen;
	char q[128];
	const struct ew_entry *e;

	if (n == 0 || n >= sizeof(q))
		return send_not_found(c, s, url);
	memcpy(q, url + plen, n);
	q[n] = '\0';
	if (n > 5 && strcmp(q + n - 5, ".html") == 0)
		q[n - 5] = '\0';
	e = single_entry(q, family);
	if (!e)
		return send_not_found(c, s, url);
	return send_redirect(c, MHD_HTTP_MOVED_PERMANENTLY, prefix, e->name);
}

/* The family whose directory url is in ("/signal/..." is EW_FAMILY_SIGNAL), with the prefix
 * "/signal/" in prefix; -1 when the first part of the path names no family. */
static int family_of(const char *url, char *prefix, size_t size)
{
	const char *slash = url[0] == '/' ? strchr(url + 1, '/') : NULL;
	size_t n = slash ? (size_t)(slash - url) + 1 : 0;
	int family;

	if (n < 3 || n >= size)
		return -1;
	memcpy(prefix, url, n);
	prefix[n] = '\0';
	prefix[n - 1] = '\0'; /* the key alone, for the lookup */
	family = ew_family_parse(prefix + 1);
	prefix[n - 1] = '/';
	return family;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* /search?q= and /api/v1/identify?text=: the command line's reading of a query. */
static enum MHD_Result answer(struct MHD_Connection *c, bool api)
{
	const char *key = api ? "text" : "q", *q = NULL;
	size_t n = 0;
	struct ew_answer a;
	struct ew_buf b;
	int r;

	if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, key, strlen(key), &q, &n) !=
		    MHD_YES || !q || blank(q, n)) {
		if (api)
			return send_json_error(c, MHD_HTTP_BAD_REQUEST, "missing parameter: text",
					       NULL);
		return send_redirect(c, MHD_HTTP_SEE_OTHER, "/", "");
	}
	r = ew_answer_query(&a, q, n);
	if (r == -E2BIG) {
		ew_answer_free(&a);
		if (api)
			return send_json_error(c, MHD_HTTP_URI_TOO_LONG, "query too long", NULL);
		return send_static(c, MHD_HTTP_URI_TOO_LONG, too_long_html, TYPE_HTML);
	}
	ew_buf_init(&b);
	/* Without the recogniser (-ELIBACC) the lookup and the words still answered. */
	if (r == 0 || r == -ELIBACC)
		r = api ? ew_render_json_answer(&b, &a, false) : ew_render_html_search(&b, &a);
	ew_answer_free(&a);
	if (r == 0 && api)
		r = serve_json_harden(&b);
	if (r < 0) {
		ew_buf_free(&b);
		return send_static(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   api ? "{\"error\":\"internal error\"}\n" : "internal error\n",
				   api ? TYPE_JSON : "text/plain; charset=utf-8");
	}
	return send_body(c, MHD_HTTP_OK, &b, api ? TYPE_JSON : TYPE_HTML);
}

static enum MHD_Result send_not_allowed(struct MHD_Connection *c, const char *url)
{
	bool api = strncmp(url, "/api/", 5) == 0;
	struct ew_buf b;
	struct MHD_Response *r;

	ew_buf_init(&b);
	ew_buf_puts(&b, api ? "{\"error\":\"method not allowed\",\"allow\":[\"GET\",\"HEAD\"]}\n"
			    : "Method not allowed: this server answers GET and HEAD only.\n");
	if (b.failed)
		return MHD_NO;
	r = MHD_create_response_from_buffer(b.len, b.data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		ew_buf_free(&b);
		return MHD_NO;
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				    api ? TYPE_JSON : "text/plain; charset=utf-8") != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, CACHE_DYNAMIC) != MHD_YES ||
	    !serve_add_security_headers(r)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return send_made(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether the request announced a body (a GET or HEAD has no use for one). */
static bool has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl && strcmp(cl, "0") != 0) ||
	       MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

enum MHD_Result serve_handle(void *cls, struct MHD_Connection *c, const char *url,
			     const char *method, const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls)
{
	static int headers_seen; /* a marker: *con_cls needs no allocation of its own */
	const struct serve_ctx *ctx = cls;
	const struct page *p;
	char prefix[32];
	int family;
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
		   strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	(void)version;
	(void)upload_data;
	/* The first call comes with the headers. A refusal is queued then, before any body is
	 * read: MHD discards the body and closes the connection after the answer. Anything else
	 * waits for the second call, when the request is whole, so that the connection stays
	 * open for the next request (MHD closes after an answer given early). */
	if (*con_cls == NULL) {
		if (!get)
			return send_not_allowed(c, url);
		if (has_body(c))
			return send_static(c, MHD_HTTP_CONTENT_TOO_LARGE,
					   "A GET or HEAD request carries no body here.\n",
					   "text/plain; charset=utf-8");
		*con_cls = &headers_seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* not reached: a body was refused above */
		return MHD_YES;
	}
	if ((p = site_find(ctx->site, url, strlen(url))))
		return send_page(c, p);
	if (strcmp(url, "/search") == 0)
		return answer(c, false);
	if (strcmp(url, "/api/v1/identify") == 0)
		return answer(c, true);
	if (strcmp(url, "/favicon.ico") == 0)
		return send_no_icon(c);
	if (strcmp(url, "/index.html") == 0)
		return send_redirect(c, MHD_HTTP_MOVED_PERMANENTLY, "/", "");
	if (starts(url, "/api/v1/errors/"))
		return try_redirect(c, ctx->site, url, "/api/v1/errors/", -1);
	if ((family = family_of(url, prefix, sizeof(prefix))) >= 0)
		return try_redirect(c, ctx->site, url, prefix, family);
	return send_not_found(c, ctx->site, url);
}
