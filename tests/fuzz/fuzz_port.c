/* fuzz_port.c: libFuzzer harness for the port renderers. A synthetic report whose process
 * names, command lines and cgroup-derived strings are the input's bytes must come out escaped:
 * no raw control character on a terminal, and JSON that keeps every field and the original
 * bytes of what is not UTF-8 (EW_FUZZ_LOSSLESS=0 leaves that last check out). */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "errwhy.h"

/* The properties, each abort() with a message naming the output, the byte and the input field:
 * 1. colour-off text (and colour-on text without the renderer's own SGR sequences) is UTF-8
 *    with no C0 control but '\n', no DEL, no C1 and no bidi control;
 * 2. JSON parses back, carries none of those raw either (they must be \u-escaped), and drops
 *    nothing: every socket, holder, stop result, "comm", "cmdline" with argc elements, "user",
 *    "unit", "terminal", "container" with "runtime", "id", "address", and "summary";
 * 3. a string that is UTF-8 comes back as it was; one that is not holds
 *    U+FFFD for each invalid byte and has a sibling NAME_bytes with the bytes in lowercase hex
 *    ("comm_bytes", "container": {"id_bytes"}, ...); for "cmdline", a "cmdline_bytes" array
 *    of hex strings, one per element, when any element is not UTF-8. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SOCKETS = 4, MAX_PROCS = 3, MAX_ARGS = 4, MAX_STOPS = 3, MAX_STR = 48 };

/* The input, read front to back; past its end every byte reads as 0. */
struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned u16(struct input *in)
{
	unsigned hi = byte(in);
	return hi << 8 | byte(in);
}

/* A length byte, then that many bytes (up to max) into dst[max + 1]. */
static void take(struct input *in, char *dst, size_t max)
{
	size_t len = byte(in) % (max + 1);

	for (size_t i = 0; i < len; i++)
		dst[i] = (char)byte(in);
	dst[len] = '\0';
}

/* A string from the input, or NULL when the length byte has its top bit set. */
static char *string_or_null(struct input *in)
{
	char *s;

	if (in->n && (in->p[0] & 0x80)) {
		byte(in);
		return NULL;
	}
	s = malloc(MAX_STR + 1);
	if (!s)
		abort();
	take(in, s, MAX_STR);
	return s;
}

/* ---- a report from the input -------------------------------------------------------------- */

struct fixture {
	struct ew_port_report r;
	struct ew_port_socket sockets[MAX_SOCKETS];
	struct ew_port_holder holders[MAX_PROCS];
	struct ew_port_holder *procs[MAX_PROCS];
	struct ew_port_holder *socket_holders[MAX_SOCKETS][MAX_PROCS];
	struct ew_port_stop_result stops[MAX_STOPS];
	size_t n_stops;
	int sig;
};

static void build_holder(struct input *in, struct ew_port_holder *h)
{
	/* Field by field: the order of reads in one initialiser list is unspecified. */
	*h = (struct ew_port_holder){.pid = (int)u16(in) + 1};
	h->ppid = (int)u16(in);
	take(in, h->comm, sizeof(h->comm) - 1);
	h->argc = byte(in) % (MAX_ARGS + 1);
	h->argv = calloc(h->argc + 1, sizeof(*h->argv));
	if (!h->argv)
		abort();
	for (size_t i = 0; i < h->argc; i++) {
		h->argv[i] = malloc(MAX_STR + 1);
		if (!h->argv[i])
			abort();
		take(in, h->argv[i], MAX_STR);
	}
	h->uid = byte(in) ? u16(in) : 0;
	h->user = string_or_null(in);
	h->started = byte(in) & 1 ? (int64_t)u16(in) * 1000 : -1;
	h->unit = string_or_null(in);
	h->user_unit = byte(in) & 1;
	h->container_runtime = string_or_null(in);
	h->container_id = string_or_null(in);
	h->proxy_to = string_or_null(in);
	h->terminal = string_or_null(in);
	h->session = (int)u16(in);
}

static void build_socket(struct input *in, struct fixture *f, struct ew_port_socket *s)
{
	static const int states[] = {10, 6, 7, 8, 1, 13, 2, 0, 99};
	static const char *const v4[] = {"0.0.0.0", "127.0.0.1", "192.0.2.7"};
	static const char *const v6[] = {"::", "::1", "2001:db8::7", "::ffff:127.0.0.1"};
	unsigned flags = byte(in);

	*s = (struct ew_port_socket){
	    .proto = flags & 1 ? IPPROTO_UDP : IPPROTO_TCP,
	    .family = flags & 2 ? AF_INET6 : AF_INET,
	    .port = f->r.port,
	    .timer_s = -1,
	};
	s->state = states[byte(in) % (sizeof(states) / sizeof(states[0]))];
	s->v6only = (int)(byte(in) % 3) - 1;
	if (!(flags & 4))
		s->inode = 1000 + byte(in);
	s->uid = byte(in);
	if (!(flags & 8))
		s->timer_s = (int)byte(in);
	snprintf(s->local, sizeof(s->local), "%s",
	         s->family == AF_INET6 ? v6[byte(in) % 4] : v4[byte(in) % 3]);
	if (flags & 16) {
		snprintf(s->remote, sizeof(s->remote), "%s",
		         s->family == AF_INET6 ? "::1" : "127.0.0.1");
		s->remote_port = (uint16_t)u16(in);
	}
	s->holders = f->socket_holders[s - f->sockets];
	if (f->r.n_procs)
		s->n_holders = byte(in) % (f->r.n_procs + 1);
	for (size_t i = 0; i < s->n_holders; i++)
		s->holders[i] = f->procs[byte(in) % f->r.n_procs];
}

static void build(struct input *in, struct fixture *f)
{
	static const int errors[] = {0, INT_MIN, -EPERM, -ESRCH, -ESTALE, -ENOSYS, -EINVAL, -EIO};
	static const int sigs[] = {SIGTERM, SIGKILL, SIGINT, SIGHUP, SIGUSR1, 0, 99};
	unsigned flags;

	memset(f, 0, sizeof(*f));
	f->r = (struct ew_port_report){
	    .port = (uint16_t)u16(in), .sockets = f->sockets, .procs = f->procs};
	f->r.protos = (byte(in) % 3) + 1;
	f->r.n_procs = byte(in) % (MAX_PROCS + 1);
	for (size_t i = 0; i < f->r.n_procs; i++) {
		f->procs[i] = &f->holders[i];
		build_holder(in, &f->holders[i]);
	}
	f->r.n_sockets = byte(in) % (MAX_SOCKETS + 1);
	for (size_t i = 0; i < f->r.n_sockets; i++)
		build_socket(in, f, &f->sockets[i]);
	flags = byte(in);
	/* Any verdict, with or without sockets: a hand-made report must render too. */
	f->r.verdict = (enum ew_port_verdict)(byte(in) % 4);
	f->r.complete = flags & 1;
	f->r.hidden_holders = flags & 2;
	f->r.unreadable = flags & 4 ? byte(in) : flags & 8 ? UINT_MAX : 0;
	f->r.bindable_reuse = (int)(byte(in) % 3) - 1;

	f->n_stops = byte(in) % (MAX_STOPS + 1);
	for (size_t i = 0; i < f->n_stops; i++) {
		struct ew_port_stop_result *x = &f->stops[i];
		*x = (struct ew_port_stop_result){.pid = (int)u16(in)};
		take(in, x->comm, sizeof(x->comm) - 1);
		x->error = errors[byte(in) % (sizeof(errors) / sizeof(errors[0]))];
		flags = byte(in);
		x->signalled = flags & 1;
		x->killed = flags & 2;
		x->exited = flags & 4;
	}
	f->sig = sigs[byte(in) % (sizeof(sigs) / sizeof(sigs[0]))];
	/* Fields added since the seeds were written: read last, so the seeds keep their meaning. */
	f->r.tcp = (enum ew_port_verdict)(byte(in) % 4);
	f->r.udp = (enum ew_port_verdict)(byte(in) % 4);
	flags = byte(in);
	f->r.holders_looked = !(flags & 1);
	f->r.proc_view = (enum ew_port_proc_view)((flags >> 1) % 3);
	f->r.needs_privilege = flags & 8;
	f->r.caller_uid = flags & 16 ? 0 : 1000;
	f->r.bindable_strict = (int)(byte(in) % 3) - 1;
	f->r.trial_error = flags & 32 ? -EACCES : flags & 64 ? INT_MIN : 0;
	f->r.unprivileged_port_start = flags & 128 ? -1 : 1024;
}

static void release(struct fixture *f)
{
	for (size_t i = 0; i < f->r.n_procs; i++) {
		struct ew_port_holder *h = &f->holders[i];
		for (size_t k = 0; k < h->argc; k++)
			free(h->argv[k]);
		free(h->argv);
		free(h->user);
		free(h->unit);
		free(h->container_runtime);
		free(h->container_id);
		free(h->proxy_to);
		free(h->terminal);
	}
}

/* ---- property 1: terminal text ----------------------------------------------------------- */

/* Appends "; name" to hint when the outside string s holds the bytes seq[0..k). */
static void blame_one(char *hint, size_t cap, const char *name, const char *s, const char *seq,
                      size_t k)
{
	size_t len = strlen(hint);

	if (s && memmem(s, strlen(s), seq, k) && len + strlen(name) + 3 < cap)
		snprintf(hint + len, cap - len, "%s%s", len ? ", " : "", name);
}

/* Which input fields hold the offending character: the hint of a property violation. */
static const char *blame(const struct fixture *f, const char *out, size_t n, long off)
{
	static char hint[512];
	char found[400], name[64];
	uint32_t cp;
	size_t k = fuzz_utf8_next((const unsigned char *)out + off, n - (size_t)off, &cp);

	k = k ? k : 1;
	found[0] = '\0';
	for (size_t i = 0; i < f->r.n_procs; i++) {
		const struct ew_port_holder *h = &f->holders[i];
		const struct {
			const char *field, *value;
		} fields[] = {{"comm", h->comm},
		              {"user", h->user},
		              {"unit", h->unit},
		              {"container_runtime", h->container_runtime},
		              {"container_id", h->container_id},
		              {"proxy_to", h->proxy_to},
		              {"terminal", h->terminal}};
		for (size_t j = 0; j < sizeof(fields) / sizeof(fields[0]); j++) {
			snprintf(name, sizeof(name), "holder %zu %s", i, fields[j].field);
			blame_one(found, sizeof(found), name, fields[j].value, out + off, k);
		}
		for (size_t j = 0; j < h->argc; j++) {
			snprintf(name, sizeof(name), "holder %zu argv[%zu]", i, j);
			blame_one(found, sizeof(found), name, h->argv[j], out + off, k);
		}
	}
	for (size_t i = 0; i < f->n_stops; i++) {
		snprintf(name, sizeof(name), "stop result %zu comm", i);
		blame_one(found, sizeof(found), name, f->stops[i].comm, out + off, k);
	}
	if (!found[0])
		return "the byte is in no input field (the renderer's own, or a cut character)";
	snprintf(hint, sizeof(hint), "from the input's %s", found);
	return hint;
}

static void check_text(const struct fixture *f, const char *what, const struct ew_buf *b)
{
	const char *why, *s = b->data ? b->data : "";
	long off = fuzz_text_violation(s, b->len, &why);

	if (off >= 0)
		fuzz_violation(what, s, b->len, off, why, blame(f, s, b->len, off));
}

/* Colour on: the renderer's own SGR sequences (ESC [ digits ; m) taken out, the rest must
 * pass as colour-off text does. */
static void check_colored(const struct fixture *f, const char *what, const struct ew_buf *b)
{
	struct ew_buf plain;

	ew_buf_init(&plain);
	for (size_t i = 0; i < b->len; i++) {
		size_t k = i + 2;
		if (b->data[i] == '\033' && i + 1 < b->len && b->data[i + 1] == '[') {
			while (k < b->len &&
			       ((b->data[k] >= '0' && b->data[k] <= '9') || b->data[k] == ';'))
				k++;
			if (k < b->len && b->data[k] == 'm') {
				i = k;
				continue;
			}
		}
		ew_buf_putc(&plain, b->data[i]);
	}
	check_text(f, what, &plain);
	ew_buf_free(&plain);
}

/* ---- properties 2 and 3: JSON ------------------------------------------------------------ */

static bool lossless;

/* where.key holds orig, never dropped: null when orig is NULL; null or "" when it is empty
 * and empty_null; else a string, losslessly with a sibling key_bytes when not UTF-8. */
static void check_string(const char *where, json_t *obj, const char *key, const char *orig,
                         bool empty_null)
{
	json_t *v = json_object_get(obj, key), *bytes;
	char bkey[64];
	char *want, *hex;

	if (!v)
		fuzz_fail("%s: \"%s\" dropped (the input was \"%s\")", where, key,
		          orig ? (hex = fuzz_hex(orig)) : "NULL");
	if (!orig) {
		if (!json_is_null(v))
			fuzz_fail("%s: \"%s\" should be null", where, key);
		return;
	}
	if (empty_null && !orig[0]) {
		if (!json_is_null(v) && !(json_is_string(v) && !json_string_length(v)))
			fuzz_fail("%s: \"%s\" should be null or \"\"", where, key);
		return;
	}
	if (!json_is_string(v))
		fuzz_fail("%s: \"%s\" is not a string (input hex %s)", where, key, fuzz_hex(orig));
	if (!lossless)
		return;
	if (fuzz_utf8_valid(orig, strlen(orig))) {
		if (strcmp(json_string_value(v), orig) != 0)
			fuzz_fail("%s: \"%s\" is not the input (hex %s)", where, key,
			          fuzz_hex(orig));
		return;
	}
	want = fuzz_replaced(orig);
	hex = fuzz_hex(orig);
	if (strcmp(json_string_value(v), want) != 0)
		fuzz_fail(
		    "%s: \"%s\" should be the input with U+FFFD for each invalid byte (hex %s)",
		    where, key, hex);
	snprintf(bkey, sizeof(bkey), "%s_bytes", key);
	bytes = json_object_get(obj, bkey);
	if (!json_is_string(bytes) || strcmp(json_string_value(bytes), hex) != 0)
		fuzz_fail("%s: \"%s\" should be \"%s\"", where, bkey, hex);
	free(want);
	free(hex);
}

static void check_cmdline(const char *where, json_t *o, const struct ew_port_holder *h)
{
	json_t *a = json_object_get(o, "cmdline"), *bytes;
	bool any_invalid = false;
	char name[96];

	if (!json_is_array(a) || json_array_size(a) != h->argc)
		fuzz_fail("%s: \"cmdline\" has %zu elements, argc is %zu", where,
		          json_is_array(a) ? json_array_size(a) : 0, h->argc);
	for (size_t i = 0; i < h->argc; i++) {
		json_t *e = json_array_get(a, i);
		if (!json_is_string(e))
			fuzz_fail("%s: cmdline[%zu] is not a string", where, i);
		any_invalid |= !fuzz_utf8_valid(h->argv[i], strlen(h->argv[i]));
	}
	if (!lossless)
		return;
	bytes = json_object_get(o, "cmdline_bytes");
	for (size_t i = 0; i < h->argc; i++) {
		char *want = fuzz_replaced(h->argv[i]), *hex = fuzz_hex(h->argv[i]);
		json_t *x = json_array_get(bytes, i);
		snprintf(name, sizeof(name), "%s cmdline[%zu]", where, i);
		if (strcmp(json_string_value(json_array_get(a, i)), want) != 0)
			fuzz_fail("%s: not the input (hex %s)", name, hex);
		if (any_invalid && (!json_is_string(x) || strcmp(json_string_value(x), hex) != 0))
			fuzz_fail("%s: \"cmdline_bytes\"[%zu] should be \"%s\"", name, i, hex);
		free(want);
		free(hex);
	}
}

static void check_holder(const char *where, json_t *o, const struct ew_port_holder *h)
{
	json_t *c = json_object_get(o, "container");
	char name[96];

	if (!json_is_object(o))
		fuzz_fail("%s: not an object", where);
	check_string(where, o, "comm", h->comm, true);
	check_cmdline(where, o, h);
	check_string(where, o, "user", h->user, false);
	check_string(where, o, "unit", h->unit, false);
	check_string(where, o, "terminal", h->terminal, false);
	if (!h->container_runtime)
		return;
	snprintf(name, sizeof(name), "%s container", where);
	if (!json_is_object(c))
		fuzz_fail("%s: dropped (runtime hex %s)", name, fuzz_hex(h->container_runtime));
	check_string(name, c, "runtime", h->container_runtime, false);
	check_string(name, c, "id", h->container_id, false);
	check_string(name, c, "address", h->proxy_to, false);
}

static void check_report_json(const char *what, json_t *o, const struct ew_port_report *r)
{
	json_t *sockets = json_object_get(o, "sockets");
	char where[96];

	if (!json_is_string(json_object_get(o, "summary")))
		fuzz_fail("%s: \"summary\" dropped or not a string", what);
	if (!json_is_array(sockets) || json_array_size(sockets) != r->n_sockets)
		fuzz_fail("%s: \"sockets\" is not an array of %zu", what, r->n_sockets);
	for (size_t i = 0; i < r->n_sockets; i++) {
		json_t *holders = json_object_get(json_array_get(sockets, i), "holders");
		if (!json_is_array(holders) || json_array_size(holders) != r->sockets[i].n_holders)
			fuzz_fail("%s: socket %zu: \"holders\" is not an array of %zu", what, i,
			          r->sockets[i].n_holders);
		for (size_t k = 0; k < r->sockets[i].n_holders; k++) {
			snprintf(where, sizeof(where), "%s: socket %zu holder %zu", what, i, k);
			check_holder(where, json_array_get(holders, k), r->sockets[i].holders[k]);
		}
	}
}

static void check_stop_json(json_t *o, const struct fixture *f, bool with_after)
{
	json_t *stopped = json_object_get(o, "stopped");
	char where[96];

	if (!json_is_array(stopped) || json_array_size(stopped) != f->n_stops)
		fuzz_fail("ew_render_port_stop_json: \"stopped\" has %zu elements, not %zu",
		          json_is_array(stopped) ? json_array_size(stopped) : 0, f->n_stops);
	for (size_t i = 0; i < f->n_stops; i++) {
		json_t *x = json_array_get(stopped, i);
		snprintf(where, sizeof(where), "ew_render_port_stop_json: stopped[%zu]", i);
		check_string(where, x, "comm", f->stops[i].comm, true);
		if (f->stops[i].error && !json_is_string(json_object_get(x, "error")))
			fuzz_fail("%s: \"error\" dropped", where);
	}
	if (with_after)
		check_report_json("ew_render_port_stop_json: after", json_object_get(o, "after"),
		                  &f->r);
}

/* ---- the renderers ----------------------------------------------------------------------- */

static void render(const struct fixture *f)
{
	struct ew_buf b;
	json_t *v;

	for (int color = 0; color < 2; color++) {
		struct ew_text_style st = {.width = color ? 200 : 80, .color = color};
		ew_buf_init(&b);
		if (ew_render_port_text(&b, &f->r, &st) != 0)
			fuzz_fail("ew_render_port_text failed");
		(color ? check_colored : check_text)(f, "ew_render_port_text", &b);
		ew_buf_free(&b);
	}
	ew_buf_init(&b);
	if (ew_render_port_verdict(&b, &f->r) != 0)
		fuzz_fail("ew_render_port_verdict failed");
	check_text(f, "ew_render_port_verdict", &b);
	ew_buf_free(&b);

	ew_buf_init(&b);
	if (ew_render_port_stop_text(&b, f->stops, f->n_stops, f->sig) != 0)
		fuzz_fail("ew_render_port_stop_text failed");
	check_text(f, "ew_render_port_stop_text", &b);
	ew_buf_free(&b);

	for (int pretty = 0; pretty < 2; pretty++) {
		ew_buf_init(&b);
		if (ew_render_port_json(&b, &f->r, pretty) != 0)
			fuzz_fail("ew_render_port_json failed");
		v = fuzz_check_json("ew_render_port_json", b.data, b.len);
		check_report_json("ew_render_port_json", v, &f->r);
		json_decref(v);
		ew_buf_free(&b);

		ew_buf_init(&b);
		if (ew_render_port_stop_json(&b, f->stops, f->n_stops, f->sig,
		                             pretty ? &f->r : NULL, pretty) != 0)
			fuzz_fail("ew_render_port_stop_json failed");
		v = fuzz_check_json("ew_render_port_stop_json", b.data, b.len);
		check_stop_json(v, f, pretty);
		json_decref(v);
		ew_buf_free(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fixture f;
	struct input in = {data, size};
	const char *env = getenv("EW_FUZZ_LOSSLESS");

	lossless = !env || strcmp(env, "0") != 0;
	build(&in, &f);
	render(&f);
	release(&f);
	return 0;
}
