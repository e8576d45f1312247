/* fuzz_mustache - dg_mustache_render on a template and a JSON context.
 *
 * Input: TEMPLATE [NUL DATA-JSON [NUL PARTIALS-JSON]]. DATA-JSON is any JSON
 * value (the context); when absent or not JSON, a fixed context with every
 * kind of value is used. PARTIALS-JSON is an object of name -> template text
 * served by the partial callback (parents of template inheritance too). The
 * template is rendered with the HTML escaper (the spec's) and with the
 * Markdown escaper (the report templates'); the output buffer is capped so
 * a template cannot ask for unbounded output. */
#include "fuzz.h"
#include "base/buf.h"
#include "base/mustache.h"
#include "render/render.h"

#define OUT_MAX (1u << 20)

static const char fixed_context[] =
	"{\"name\": \"Chris\", \"html\": \"<b>&\\\"'*_[x](y)\", \"n\": 42, \"x\": 1.5, \"t\": true,"
	" \"f\": false, \"none\": null, \"empty\": [], \"s\": \"\","
	" \"list\": [1, \"two\", {\"name\": \"three\", \"list\": [{\"name\": \"four\"}]}],"
	" \"a\": {\"b\": {\"c\": \"deep\"}}}";

/* Partials come from the object passed as ud; a missing name is 1 (empty). */
static int partial(void *ud, const char *name, char **text, size_t *len)
{
	json_t *v = json_object_get((json_t *)ud, name);
	const char *s = json_string_value(v);
	size_t n;

	if (!s)
		return 1;
	n = json_string_length(v);
	*text = dg_malloc(n + 1);
	memcpy(*text, s, n);
	(*text)[n] = '\0';
	*len = n;
	return 0;
}

/* Split off the part up to the next NUL; *rest and *rest_len get what follows it. */
static size_t cut(const uint8_t *p, size_t n, const uint8_t **rest, size_t *rest_len)
{
	const uint8_t *nul = memchr(p, 0, n);

	if (!nul) {
		*rest = NULL;
		*rest_len = 0;
		return n;
	}
	*rest = nul + 1;
	*rest_len = n - (size_t)(nul - p) - 1;
	return (size_t)(nul - p);
}

static void render(const char *tmpl, size_t len, json_t *context, json_t *partials, dg_mustache_escape_fn esc)
{
	dg_mustache_opts opts = { esc, partial, partials, "fuzz" };
	dg_buf out;

	dg_buf_init(&out, OUT_MAX);
	/* Failure must leave the buffer as it was: here, empty. */
	if (dg_mustache_render(tmpl, len, context, &opts, &out) < 0 && out.len != 0)
		fuzz_fail("failed render left %zu bytes in the buffer", out.len);
	dg_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *ctx_p, *parts_p, *tail;
	size_t tlen, ctx_n, parts_n, tail_n;
	json_t *context = NULL, *partials = NULL;
	char *tmpl;

	tlen = cut(data, size, &ctx_p, &ctx_n);
	if (ctx_p) {
		ctx_n = cut(ctx_p, ctx_n, &parts_p, &parts_n);
		context = json_loadb((const char *)ctx_p, ctx_n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (parts_p) {
			parts_n = cut(parts_p, parts_n, &tail, &tail_n);
			partials = json_loadb((const char *)parts_p, parts_n, JSON_ALLOW_NUL, NULL);
		}
	}
	if (!context)
		context = json_loads(fixed_context, 0, NULL);
	if (!partials)
		partials = json_object();
	if (!context || !partials)
		abort();
	/* An exact-size copy: the engine takes a length, so over-reads show. */
	tmpl = dg_malloc(tlen);
	memcpy(tmpl, data, tlen);
	render(tmpl, tlen, context, partials, dg_mustache_escape_html);
	render(tmpl, tlen, context, partials, dg_render_escape_markdown);
	free(tmpl);
	json_decref(context);
	json_decref(partials);
	return 0;
}
