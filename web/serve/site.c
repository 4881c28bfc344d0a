/* site.c: every page the server has, rendered once at start-up into memory with its gzip
 * twin, validators and headers, so that a request is a table lookup and nothing more. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "errwhy.h"
#include "serve.h"

#define TYPE_HTML "text/html; charset=utf-8"
#define TYPE_JSON "application/json; charset=utf-8"
/* The pages change only when a new errwhy starts: five minutes of freshness lets an upgrade
 * show soon, and after that a browser revalidates with If-None-Match for a 304. The asset
 * names carry no version, so they cannot be cached for longer either. */
#define CACHE_STATIC "public, max-age=300"

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h;
}

int serve_json_harden(struct ew_buf *b)
{
	struct ew_buf out;

	if (b->failed)
		return -ENOMEM;
	ew_buf_init(&out);
	for (size_t i = 0; i < b->len; i++) {
		char ch = b->data[i];
		if (ch == '<' || ch == '>' || ch == '&')
			ew_buf_printf(&out, "\\u%04x", (unsigned)ch);
		else
			ew_buf_putc(&out, ch);
	}
	if (out.failed) {
		ew_buf_free(&out);
		return -ENOMEM;
	}
	ew_buf_free(b);
	*b = out;
	return 0;
}

bool serve_add_security_headers(struct MHD_Response *r)
{
	static const char *const h[][2] = {
		{"Content-Security-Policy",
		 "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
		 "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"X-Frame-Options", "DENY"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Cross-Origin-Resource-Policy", "same-origin"},
	};

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (MHD_add_response_header(r, h[i][0], h[i][1]) != MHD_YES)
			return false;
	return true;
}

/* The headers a 200 and its 304 share (RFC 9110 15.4.5: a 304 repeats the validators and
 * caching headers the 200 would have sent). */
static bool add_validators(struct MHD_Response *r, const struct variant *v, bool gz)
{
	return MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, v->etag) == MHD_YES &&
	       MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, CACHE_STATIC) == MHD_YES &&
	       MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding") == MHD_YES &&
	       (!gz || MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip") ==
			       MHD_YES) &&
	       serve_add_security_headers(r);
}

/* Takes body (malloc'd) into v and builds its two responses. */
static int variant_make(struct variant *v, char *body, size_t len, const char *type, bool gz)
{
	uint64_t h = fnv1a(body, len);

	v->body = body;
	v->len = len;
	/* Strong: equal tags mean equal bytes. The gzip twin hashes its own bytes. */
	snprintf(v->etag, sizeof(v->etag), "\"%016llx\"", (unsigned long long)h);
	v->ok = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_PERSISTENT);
	v->not_modified = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!v->ok || !v->not_modified)
		return -ENOMEM;
	if (MHD_add_response_header(v->ok, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES ||
	    !add_validators(v->ok, v, gz) || !add_validators(v->not_modified, v, gz))
		return -ENOMEM;
	return 0;
}

static void variant_free(struct variant *v)
{
	if (v->ok)
		MHD_destroy_response(v->ok);
	if (v->not_modified)
		MHD_destroy_response(v->not_modified);
	free(v->body);
	*v = (struct variant){0};
}

/* gzip of in[0..n) at the best level: done once per page, so the time is well spent. */
static int gzip_bytes(const char *in, size_t n, char **out, size_t *out_len)
{
	z_stream z = {0};
	uLong cap;
	char *buf;

	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	cap = deflateBound(&z, (uLong)n);
	buf = malloc(cap);
	if (!buf) {
		deflateEnd(&z);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(buf);
		return -EIO;
	}
	*out = buf;
	*out_len = z.total_out;
	deflateEnd(&z);
	return 0;
}

/* Adds a page at path with the rendered body b (taken over, freed in every case). */
static int add_page(struct site *s, const char *path, struct ew_buf *b, const char *type,
		    unsigned status)
{
	struct page *p = &s->pages[s->n];
	char *gz = NULL, *body;
	size_t gz_len = 0, len = b->data ? b->len : 0;
	int r;

	if (b->failed) {
		ew_buf_free(b);
		return -ENOMEM;
	}
	body = b->data ? b->data : strdup("");
	*b = (struct ew_buf){0};
	p->path = strdup(path);
	p->status = status;
	s->n++; /* counted now: site_free() frees what exists */
	if (!body || !p->path) {
		free(body);
		return -ENOMEM;
	}
	r = variant_make(&p->plain, body, len, type, false);
	if (r == 0 && (r = gzip_bytes(p->plain.body, p->plain.len, &gz, &gz_len)) == 0)
		r = variant_make(&p->gz, gz, gz_len, type, true);
	return r;
}

static int add_rendered(struct site *s, const char *path, int rendered, struct ew_buf *b,
			const char *type)
{
	if (rendered == 0 && strcmp(type, TYPE_JSON) == 0)
		rendered = serve_json_harden(b);
	if (rendered < 0) {
		ew_buf_free(b);
		return rendered;
	}
	return add_page(s, path, b, type, 200);
}

static int add_entries(struct site *s)
{
	char path[128];
	struct ew_buf b;
	int r;

	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		ew_buf_init(&b);
		snprintf(path, sizeof(path), "/%s/%s", ew_family_key(e->family), e->name);
		r = add_rendered(s, path, ew_render_html_entry(&b, e, EW_HTML_SERVER), &b, TYPE_HTML);
		if (r < 0)
			return r;
		ew_buf_init(&b);
		snprintf(path, sizeof(path), "/api/v1/errors/%s", e->name);
		r = add_rendered(s, path, ew_render_json_entry(&b, e, false), &b, TYPE_JSON);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_assets(struct site *s)
{
	char path[256];
	struct ew_buf b;
	int r;

	for (size_t i = 0; i < ew_asset_count(); i++) {
		const struct ew_asset *a = ew_asset_at(i);
		ew_buf_init(&b);
		ew_buf_append(&b, a->data, a->len);
		snprintf(path, sizeof(path), "/%s", a->path);
		if ((r = add_page(s, path, &b, a->type, 200)) < 0)
			return r;
	}
	return 0;
}

static int add_fixed(struct site *s)
{
	struct ew_buf b;
	int r;

	ew_buf_init(&b);
	r = add_rendered(s, "/", ew_render_html_index(&b, EW_HTML_SERVER), &b, TYPE_HTML);
	if (r < 0)
		return r;
	ew_buf_init(&b);
	r = add_rendered(s, "/api/v1/errors", ew_render_json_list(&b, false), &b, TYPE_JSON);
	if (r < 0)
		return r;
	/* Not in the table: the 404 page when one naming the path asked cannot be made. */
	ew_buf_init(&b);
	if ((r = ew_render_html_not_found(&b, "", 0, EW_HTML_SERVER)) < 0) {
		ew_buf_free(&b);
		return r;
	}
	if ((r = add_page(s, "", &b, TYPE_HTML, 404)) < 0)
		return r;
	s->not_found = &s->pages[s->n - 1];
	return 0;
}

static int index_pages(struct site *s)
{
	s->n_slots = 16;
	while (s->n_slots < 2 * s->n)
		s->n_slots *= 2;
	s->slots = calloc(s->n_slots, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		struct page *p = &s->pages[i];
		size_t k;
		if (p == s->not_found)
			continue;
		k = fnv1a(p->path, strlen(p->path)) & (s->n_slots - 1);
		while (s->slots[k])
			k = (k + 1) & (s->n_slots - 1);
		s->slots[k] = p;
	}
	return 0;
}

int site_build(struct site *s)
{
	size_t max = 2 * ew_entry_count() + ew_asset_count() + 3;
	int r;

	*s = (struct site){0};
	s->pages = calloc(max, sizeof(*s->pages));
	if (!s->pages)
		return -ENOMEM;
	if ((r = add_fixed(s)) < 0 || (r = add_entries(s)) < 0 || (r = add_assets(s)) < 0)
		return r;
	return index_pages(s);
}

const struct page *site_find(const struct site *s, const char *path, size_t len)
{
	size_t k = fnv1a(path, len) & (s->n_slots - 1);

	for (const struct page *p; (p = s->slots[k]); k = (k + 1) & (s->n_slots - 1))
		if (strncmp(p->path, path, len) == 0 && p->path[len] == '\0')
			return p;
	return NULL;
}

void site_free(struct site *s)
{
	for (size_t i = 0; s->pages && i < s->n; i++) {
		variant_free(&s->pages[i].plain);
		variant_free(&s->pages[i].gz);
		free(s->pages[i].path);
	}
	free(s->pages);
	free(s->slots);
	*s = (struct site){0};
}
