/* test_mustache.c - the official mustache spec (tests/mustache-spec) run
 * against lib/mustache.c, plus what the spec leaves to the engine: custom
 * escaping, error messages, number formatting, recursion limits. */
#include "check.h"
#include "base/mustache.h"
#include "base/err.h"

#include <stdlib.h>

/* The spec's required modules and the optional ones this engine implements
 * (~lambdas needs host-language code in the data: not applicable). */
static const char *const spec_files[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials", "sections",
	"~dynamic-names", "~inheritance",
};

/* Partials from a JSON object of name -> template text. */
static int json_partial(void *ud, const char *name, char **text, size_t *len)
{
	json_t *p = json_object_get(ud, name);

	if (!json_is_string(p))
		return 1;
	*len = json_string_length(p);
	*text = dg_malloc(*len + 1);
	memcpy(*text, json_string_value(p), *len + 1);
	return 0;
}

/* A JSON-quoted copy for one-line got/want diagnostics; caller frees. */
static char *quoted(const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	return q;
}

static void check_render(const char *what, const char *got, const char *want)
{
	int ok = strcmp(got, want) == 0;
	char *g, *w;

	CHECK(ok, "%s", what);
	if (!ok) {
		g = quoted(got);
		w = quoted(want);
		printf("#   got:  %s\n#   want: %s\n", g ? g : "?", w ? w : "?");
		free(g);
		free(w);
	}
}

static void run_spec_file(const char *dir, const char *module)
{
	char path[4096], what[512];
	json_error_t jerr;
	json_t *doc, *tests, *t;
	size_t i;

	snprintf(path, sizeof(path), "%s/mustache-spec/%s.json", dir, module);
	doc = json_load_file(path, 0, &jerr);
	tests = json_object_get(doc, "tests");
	CHECK(json_array_size(tests) > 0, "%s: spec file loads (%s)", module,
	      doc ? path : jerr.text);
	json_array_foreach(tests, i, t) {
		const char *tmpl = json_string_value(json_object_get(t, "template"));
		const char *want = json_string_value(json_object_get(t, "expected"));
		dg_mustache_opts opts = { NULL, json_partial, json_object_get(t, "partials"),
					  module };
		dg_buf out = DG_BUF_INIT;
		int rc;

		snprintf(what, sizeof(what), "%s: %s", module,
			 json_string_value(json_object_get(t, "name")));
		if (!tmpl || !want) {
			CHECK(0, "%s: test has template and expected", what);
			continue;
		}
		rc = dg_mustache_render(tmpl, strlen(tmpl), json_object_get(t, "data"), &opts, &out);
		if (rc < 0)
			printf("# error: %s\n", dg_err_last());
		check_render(what, dg_buf_cstr(&out), want);
		dg_buf_free(&out);
	}
	json_decref(doc);
}

/* Render `tmpl` with JSON `data` and a JSON object of partials; returns the
 * result code and leaves the output in *out (caller frees). */
static int render_json(const char *tmpl, const char *data, const char *partials,
		       dg_mustache_escape_fn escape, dg_buf *out)
{
	json_t *d = json_loads(data, JSON_DECODE_ANY, NULL);
	json_t *p = partials ? json_loads(partials, 0, NULL) : NULL;
	dg_mustache_opts opts = { escape, p ? json_partial : NULL, p, "page.md" };
	int rc;

	dg_buf_init(out, 0);
	rc = dg_mustache_render(tmpl, strlen(tmpl), d, &opts, out);
	json_decref(d);
	json_decref(p);
	return rc;
}

static void check_out(const char *tmpl, const char *data, const char *partials,
		      const char *want, const char *what)
{
	dg_buf out;
	int rc = render_json(tmpl, data, partials, NULL, &out);

	if (rc < 0)
		printf("# error: %s\n", dg_err_last());
	check_render(what, dg_buf_cstr(&out), want);
	dg_buf_free(&out);
}

/* The error message of a failing render must contain `want`. */
static void check_err(const char *tmpl, const char *data, const char *partials,
		      const char *want, const char *what)
{
	dg_buf out;
	int rc = render_json(tmpl, data, partials, NULL, &out);

	CHECK(rc == DG_ERR_FAIL && strstr(dg_err_last(), want) != NULL, "%s", what);
	if (rc != DG_ERR_FAIL || !strstr(dg_err_last(), want))
		printf("#   rc %d, message: %s\n#   want it to contain: %s\n", rc,
		       dg_err_last(), want);
	CHECK(out.len == 0, "%s: no half-rendered output", what);
	dg_buf_free(&out);
}

/* Brackets instead of HTML entities, so the test sees which path ran. */
static int bracket_escape(dg_buf *out, const char *s, size_t len)
{
	int err;

	if ((err = dg_buf_putc(out, '[')) < 0 || (err = dg_buf_put(out, s, len)) < 0)
		return err;
	return dg_buf_putc(out, ']');
}

static void test_escaping(void)
{
	dg_buf out;

	CHECK(render_json("{{x}}|{{{x}}}|{{&x}}|{{n}}", "{\"x\": \"a<b\", \"n\": 5}", NULL,
			  bracket_escape, &out) == 0, "custom escape: renders");
	check_render("custom escape: used for {{x}}, not for {{{x}}} or {{&x}}",
		     dg_buf_cstr(&out), "[a<b]|a<b|a<b|[5]");
	dg_buf_free(&out);
	check_out("{{x}}", "{\"x\": \"<a href='u'>&\\\"</a>\"}", NULL,
		  "&lt;a href=&#39;u&#39;&gt;&amp;&quot;&lt;/a&gt;",
		  "HTML escape covers & < > \" and '");
}

static void test_errors(void)
{
	check_err("line one\n{{#items}}\n{{name}}\n", "{}", NULL, "page.md:2:",
		  "unclosed section names NAME:LINE of its open tag");
	check_err("{{#a}}\n\n{{/b}}\n", "{}", NULL, "page.md:3:",
		  "mismatched closing tag names NAME:LINE");
	check_err("{{#a}}\n{{/b}}", "{}", NULL, "'a' opened at line 1",
		  "mismatched closing tag names the open section");
	check_err("ok\n{{/a}}", "{}", NULL, "page.md:2:", "closing tag without open section");
	check_err("a\nb {{name", "{}", NULL, "page.md:2: unclosed tag", "unclosed tag");
	check_err("{{{name}}", "{}", NULL, "page.md:1: unclosed tag", "unclosed triple mustache");
	check_err("x\n{{=<% %>}}", "{}", NULL, "page.md:2: bad set-delimiter",
		  "set-delimiter without closing '='");
	check_err("{{=<%=}}", "{}", NULL, "page.md:1: bad set-delimiter",
		  "set-delimiter with one delimiter");
	check_err("{{}}", "{}", NULL, "page.md:1: empty tag", "empty tag");
	check_err("{{a b}}", "{}", NULL, "page.md:1: tag 'a b'", "name with a space");
	check_err("\n\n{{>p}}", "{}", "{\"p\": \"one\\n{{#s}}\"}",
		  "page.md:3: partial 'p': p:2: section 's' is not closed",
		  "an error in a partial names the partial and the including line");
}

static void test_values(void)
{
	check_out("{{i}} {{neg}} {{big}}", "{\"i\": 42, \"neg\": -7, \"big\": 9007199254740993}",
		  NULL, "42 -7 9007199254740993", "integers render as integers");
	check_out("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}",
		  "{\"a\": 1.5, \"b\": 1.0, \"c\": 0.1, \"d\": 1e300, \"e\": 3.141592653589793,"
		  " \"f\": -0.25, \"g\": 1.21}", NULL,
		  "1.5 1.0 0.1 1e+300 3.141592653589793 -0.25 1.21",
		  "reals render in the shortest form that reads back the same");
	check_out("[{{n}}][{{{n}}}][{{missing}}]", "{\"n\": null}", NULL, "[][][]",
		  "null and missing render as empty");
	check_out("{{t}} {{f}}", "{\"t\": true, \"f\": false}", NULL, "true false",
		  "booleans render as true/false");
	check_out("{{#s}}yes{{/s}}{{^s}}no{{/s}}|{{#z}}zero{{/z}}|{{#e}}E{{/e}}{{^e}}empty{{/e}}",
		  "{\"s\": \"\", \"z\": 0, \"e\": []}", NULL, "yes|zero|empty",
		  "empty string and 0 are truthy, the empty list is falsey (as the spec says)");
	check_out("{{#o}}{{k}}{{/o}} {{o.k}} {{#a}}<{{.}}>{{/a}}",
		  "{\"o\": {\"k\": \"v\"}, \"a\": [1, \"x\", 2.5]}", NULL, "v v <1><x><2.5>",
		  "sections push objects and iterate arrays");
	check_out("{{>none}}|{{>*dyn}}", "{\"dyn\": 3}", NULL, "|",
		  "missing partials and non-string dynamic names render nothing");
}

static void test_recursion(void)
{
	const char *tree = "{\"name\": \"a\", \"kids\": [{\"name\": \"b\", \"kids\": "
			   "[{\"name\": \"c\", \"kids\": []}]}, {\"name\": \"d\", \"kids\": []}]}";

	check_out("{{>node}}", tree, "{\"node\": \"{{name}}({{#kids}}{{>node}}{{/kids}})\"}",
		  "a(b(c())d())", "a partial recursing through data terminates");
	check_err("{{>loop}}", "{}", "{\"loop\": \"x{{>loop}}\"}", "nested more than 64 deep",
		  "a partial including itself stops at the depth limit");
	check_err("{{<p}}{{$b}}[{{$b}}{{/b}}]{{/b}}{{/p}}", "{}", "{\"p\": \"{{$b}}{{/b}}\"}",
		  "block 'b' nested more than 64 deep",
		  "a block override containing itself stops at the depth limit");
	check_err("{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
		  "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
		  "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}", "{}", NULL,
		  "nested more than 32 deep", "source nesting is limited");
}

static void test_templates(void)
{
	const char *shipped = "{\"base\": \"# {{$title}}Digest{{/title}}\\n\\n"
			      "{{$body}}\\n{{#items}}\\n- {{name}}\\n{{/items}}\\n{{/body}}\\n"
			      "-- \\n{{$footer}}sent by digest{{/footer}}\\n\"}";
	dg_buf out = DG_BUF_INIT;
	json_t *big = json_pack("{s:s}", "x", "too long");

	check_out("{{<base}}\n{{$footer}}by {{who}}{{/footer}}\n{{/base}}\n",
		  "{\"who\": \"me\", \"items\": [{\"name\": \"x\"}, {\"name\": \"y\"}]}", shipped,
		  "# Digest\n\n- x\n- y\n-- \nby me\n",
		  "a user template overrides one block of a shipped template");
	check_out("list:\n  {{>item}}\nend\n", "{}", "{\"item\": \"- a\\n\\n- b\\n\"}",
		  "list:\n  - a\n\n  - b\nend\n",
		  "partial indentation leaves blank lines without trailing spaces");
	CHECK(dg_mustache_render("x{{.}}", 6, NULL, NULL, &out) == 0 &&
	      strcmp(dg_buf_cstr(&out), "x") == 0, "NULL context and NULL opts are accepted");
	dg_buf_free(&out);
	dg_buf_init(&out, 6);
	dg_buf_puts(&out, "ab");
	CHECK(dg_mustache_render("{{x}}", 5, big, NULL, &out) < 0 &&
	      strcmp(dg_buf_cstr(&out), "ab") == 0,
	      "a full output buffer fails the render and leaves the buffer as it was");
	dg_buf_free(&out);
	json_decref(big);
}

int main(void)
{
	const char *dir = getenv("DIGEST_TESTS");
	size_t i;

	if (!dir || !*dir)
		dir = "tests";
	for (i = 0; i < sizeof(spec_files) / sizeof(spec_files[0]); i++)
		run_spec_file(dir, spec_files[i]);
	test_escaping();
	test_errors();
	test_values();
	test_recursion();
	test_templates();
	return check_done();
}
