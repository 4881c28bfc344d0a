/* serve.h: what the rooms of errwhy-serve share: the listening address, the table of pages
 * built at start-up, and the request handler that reads it. Internal to web/serve/. */
#ifndef ERRWHY_SERVE_H
#define ERRWHY_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

/* Exit codes, as errwhy(1) documents them for every subcommand (src/cli.h). */
enum {
	SERVE_EXIT_OK = 0,     /* stopped by SIGINT or SIGTERM; --help; a passing --selftest */
	SERVE_EXIT_LISTEN = 1, /* cannot listen on the address: in use, privileged, not here */
	SERVE_EXIT_USAGE = 2,  /* the command line is wrong */
	SERVE_EXIT_SYSTEM = 3  /* memory, threads, the HTTP library: anything else refused */
};

/* ---- listen.c ---------------------------------------------------------------------------- */

struct serve_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char host[72];  /* as written in a URL: "127.0.0.1", "[::1]" */
	uint16_t port;  /* 0 asks the kernel for one; after serve_listen(), the real one */
	bool loopback;
};

/* "HOST:PORT", "[V6]:PORT" or "PORT" (host 127.0.0.1); HOST is numeric or "localhost".
 * 0, or -EINVAL with *why saying what is wrong. */
int serve_addr_parse(const char *text, struct serve_addr *a, const char **why);
/* A listening TCP socket on a (non-blocking, close-on-exec), its real port stored back in a.
 * The fd, or a negative errno from the call that failed (bind's -EADDRINUSE, -EACCES). */
int serve_listen(struct serve_addr *a, int backlog);

/* ---- site.c ------------------------------------------------------------------------------ */

/* One representation of a page, encoded once at start-up. */
struct variant {
	struct MHD_Response *ok;           /* status 200 (404 for the not-found page) with body */
	struct MHD_Response *not_modified; /* 304: the same validators, no body */
	char etag[24];                     /* "\"" 16 hex digits "\"" */
	char *body;                        /* owned; the responses point into it */
	size_t len;
};

struct page {
	char *path;           /* "/errno/EADDRINUSE", "/signal/SIGKILL" */
	unsigned status;      /* 200, or 404 for the not-found page */
	struct variant plain; /* identity */
	struct variant gz;    /* gzip; gz.ok is NULL when compressing would not shrink it */
};

struct site {
	struct page *pages;
	size_t n;
	struct page **slots; /* open addressing by path hash; n_slots is a power of two */
	size_t n_slots;
	struct page *not_found; /* served when rendering a 404 for the path asked fails */
};

/* Renders every page (index, entries, assets, the API's JSON, the 404 page) and builds its
 * responses. 0, -ENOMEM, or the renderer's error; free with site_free() in every case. */
int site_build(struct site *s);
void site_free(struct site *s);
const struct page *site_find(const struct site *s, const char *path, size_t len);

/* JSON with every '<', '>' and '&' written \u003c...: they can stand only inside strings, so
 * the meaning is the same, and no page that sniffs or embeds it finds a tag. 0 or -ENOMEM. */
struct ew_buf;
int serve_json_harden(struct ew_buf *b);
/* The headers every response carries (CSP and friends); false when one could not be added. */
bool serve_add_security_headers(struct MHD_Response *r);

/* ---- http.c ------------------------------------------------------------------------------ */

struct serve_ctx {
	const struct site *site;
};

/* The MHD access handler: cls is the struct serve_ctx. */
enum MHD_Result serve_handle(void *cls, struct MHD_Connection *c, const char *url,
			     const char *method, const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls);
/* Whether an Accept-Encoding value lets us send gzip (q-values read; gzip;q=0 is no). */
bool serve_accepts_gzip(const char *accept_encoding);
/* Whether an If-None-Match value names etag (weak comparison, as RFC 9110 asks), or is *. */
bool serve_etag_matches(const char *if_none_match, const char *etag);
/* MHD's URL decoder, keeping %00 as it is: a path or argument never holds a NUL. */
size_t serve_unescape(void *cls, struct MHD_Connection *c, char *s);

/* ---- selftest.c -------------------------------------------------------------------------- */

/* Requests every page of s and the special cases from port on 127.0.0.1, on a thread of its
 * own, then sends SIGTERM to the process. *failures gets how many checks failed. */
int selftest_start(const struct site *s, uint16_t port, int *failures);
int selftest_join(void);

#endif
