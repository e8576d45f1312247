/* The writer: requests, answers, checks and the kept answers (writer.h). */
#include "writer/writer.h"
#include "writer/wcheck.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/datadir.h"
#include "base/err.h"
#include "base/jsonx.h"
#include "base/output.h"
#include "base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEPT_NS "writer"

int dg_writer_prompt_load(const char *templates_dir, const char *language, dg_writer_prompt *p)
{
	dg_buf rel = DG_BUF_INIT;
	char *path = NULL;
	size_t len = 0;
	int err;

	memset(p, 0, sizeof(*p));
	dg_buf_printf(&rel, "%s/writer.txt", language);   /* no cap: cannot fail */
	if ((err = dg_datadir_find(templates_dir, "templates", dg_buf_cstr(&rel), &path)) == 0)
		err = dg_err_set(DG_ERR_CONFIG, "the writer's instructions '%s' were not found (looked in "
				 "digest.templates_dir and the shipped templates)", dg_buf_cstr(&rel));
	if (err > 0)
		err = dg_output_read_file(path, 64u << 10, &p->text, &len);
	if (err >= 0) {
		snprintf(p->version, sizeof(p->version), "%016llx", (unsigned long long)dg_text_hash(p->text, len));
		err = 0;
	}
	free(path);
	dg_buf_free(&rel);
	return err;
}

void dg_writer_prompt_clear(dg_writer_prompt *p)
{
	free(p->text);
	memset(p, 0, sizeof(*p));
}

/* One request under way: its items and where the run's results go. */
typedef struct batch {
	const dg_writer_opts *o;
	dg_store *store;
	dg_http *http;
	json_t *items;           /* borrowed from the caller's list: [{"id","kind","facts"}] */
	json_t *keys;            /* id -> the kept answer's key */
	json_t *texts, *warnings, *failures;
	dg_writer_usage *usage;
} batch;

/* The kept answer's key: everything the answer depends on. */
static char *kept_key(const dg_writer_opts *o, const dg_writer_prompt *prompt, json_t *item)
{
	char *facts = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
	dg_buf k = DG_BUF_INIT;   /* no cap: cannot fail */

	dg_buf_printf(&k, "%s\n%s\n%s\n%s\n%s", o->api_url, o->model, prompt->version, o->language,
		      facts ? facts : "");
	free(facts);
	return dg_buf_detach(&k);
}

static void failure_once(json_t *failures, const char *msg)
{
	size_t i;
	json_t *f;

	json_array_foreach(failures, i, f)
		if (!strcmp(json_string_value(f), msg))
			return;
	json_array_append_new(failures, json_string(msg));
}

static json_t *find_item(json_t *items, const char *id)
{
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it)
		if (!strcmp(dg_json_str(it, "id"), id))
			return it;
	return NULL;
}

/* An answer's text for `item`: used, or refused with a warning; kept either way. */
static void take_answer(batch *b, json_t *item, const char *text)
{
	char *facts = json_dumps(json_object_get(item, "facts"), JSON_COMPACT);
	const char *why = dg_writer_check(text, facts, b->o->language);
	const char *key = json_string_value(json_object_get(b->keys, dg_json_str(item, "id")));
	json_t *kept;
	char *dump;

	if (why) {
		dg_json_appendf(b->warnings, "writer: the answer for %s item %s was not used (%s): it keeps the facts' text",
				dg_json_str(item, "kind"), dg_json_str(item, "id"), why);
		kept = json_pack("{s:s}", "refused", why);
	} else {
		json_object_set_new(b->texts, dg_json_str(item, "id"), json_string(text));
		kept = json_pack("{s:s}", "text", text);
	}
	dump = json_dumps(kept, JSON_COMPACT);
	if (key && dump && dg_store_kept_put(b->store, KEPT_NS, key, dump, strlen(dump)) < 0)
		dg_err_clear();   /* not kept: the next run asks again */
	free(dump);
	json_decref(kept);
	free(facts);
}

static void on_answer(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *message)
{
	batch *b = ud;
	json_t *body = NULL, *content = NULL, *answers, *a;
	const char *text;
	size_t i;

	b->usage->requests++;
	if (err < 0) {
		dg_buf m = DG_BUF_INIT;
		int refused = message && (strstr(message, ": HTTP 401") || strstr(message, ": HTTP 403"));

		dg_buf_printf(&m, "writer: %s", message ? message : "the request failed");
		if (refused) {
			const char *key = getenv(b->o->key_env);
			dg_buf_printf(&m, " (the key in $%s %s)", b->o->key_env,
				      key && *key ? "was refused" : "is unset: no key was sent");
		}
		dg_buf_puts(&m, ": the items keep the facts' text");
		failure_once(b->failures, dg_buf_error(&m) ? "writer: the request failed" : dg_buf_cstr(&m));
		dg_buf_free(&m);
		goto done;
	}
	body = json_loadb(resp->body, resp->len, 0, NULL);
	text = json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(body, "choices"), 0),
								 "message"), "content"));
	{
		json_t *usage = json_object_get(body, "usage");
		json_int_t t = json_integer_value(json_object_get(usage, "total_tokens"));
		if (t > 0 && t < 100000000)
			b->usage->tokens += (long)t;
	}
	if (text)
		content = json_loads(text, 0, NULL);
	answers = json_object_get(content, "items");
	if (!json_is_array(answers)) {
		dg_json_appendf(b->failures, "writer: %s: the answer is not %s: the items keep the facts' text",
				resp->url, !body ? "JSON" : !text ? "a chat completion (choices[0].message.content)"
				: "a JSON object with \"items\" (JSON mode)");
		goto done;
	}
	json_array_foreach(answers, i, a) {
		const char *id = dg_json_str(a, "id");
		json_t *item = find_item(b->items, id);
		char *t;

		if (!item || !json_is_string(json_object_get(a, "text")) || json_object_get(b->texts, id))
			continue;
		/* an echo of a secret that JSON escapes hid from the engine */
		t = dg_strdup(json_string_value(json_object_get(a, "text")));
		dg_http_scrub_secrets(h, t, strlen(t));
		take_answer(b, item, t);
		json_object_set_new(item, "answered", json_true());
		free(t);
	}
	json_array_foreach(b->items, i, a)
		if (!json_object_get(a, "answered") && !json_object_get(b->texts, dg_json_str(a, "id")))
			dg_json_appendf(b->warnings, "writer: no answer for %s item %s: it keeps the facts' text",
					dg_json_str(a, "kind"), dg_json_str(a, "id"));
done:
	json_decref(content);
	json_decref(body);
	json_decref(b->items);
	json_decref(b->keys);
	free(b);
}

/* The request's body for `items`. Caller frees. */
static char *request_body(const dg_writer_opts *o, const dg_writer_prompt *prompt, json_t *items)
{
	json_t *user = json_pack("{s:s, s:[]}", "language", o->language, "items"), *it, *req;
	size_t i;
	char *u, *body;

	json_array_foreach(items, i, it)
		json_array_append_new(json_object_get(user, "items"),
				      json_pack("{s:O, s:O, s:O}", "id", json_object_get(it, "id"), "kind",
						json_object_get(it, "kind"), "facts", json_object_get(it, "facts")));
	u = json_dumps(user, JSON_COMPACT);
	req = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:{s:s}, s:b}", "model", o->model, "messages",
			"role", "system", "content", prompt->text, "role", "user", "content", u ? u : "{}",
			"response_format", "type", "json_object", "stream", 0);
	body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	json_decref(user);
	free(u);
	return body;
}

static char *endpoint(const char *api_url)
{
	size_t n = strlen(api_url);
	dg_buf u = DG_BUF_INIT;   /* no cap: cannot fail */

	while (n && api_url[n - 1] == '/')
		n--;
	dg_buf_printf(&u, "%.*s/chat/completions", (int)n, api_url);
	return dg_buf_detach(&u);
}

/* Queue one request for `items` (taken over). */
static void send_batch(batch *proto, const dg_writer_prompt *prompt, const char *const *headers, json_t *items,
		       json_t *keys)
{
	batch *b = dg_malloc(sizeof(*b));
	char *body = request_body(proto->o, prompt, items), *url = endpoint(proto->o->api_url);

	*b = *proto;
	b->items = items;
	b->keys = keys;
	if (!body) {
		dg_json_appendf(proto->failures, "writer: the request could not be built (facts not UTF-8)");
		json_decref(items);
		json_decref(keys);
		free(b);
	} else {
		dg_http_post_with(proto->http, url, "application/json", headers, body, strlen(body), on_answer, b);
	}
	free(body);
	free(url);
}

/* "Authorization: Bearer KEY" when the key's variable is set; NULL: none. */
static char *auth_line(const dg_writer_opts *o, dg_http *http)
{
	const char *key = getenv(o->key_env);
	dg_buf l = DG_BUF_INIT;

	if (!key || !*key)
		return NULL;
	dg_http_add_secret(http, key);
	dg_buf_printf(&l, "Authorization: Bearer %s", key);
	return dg_buf_detach(&l);
}

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

int dg_writer_run(const dg_writer_opts *o, const dg_writer_prompt *prompt, dg_http *http, dg_store *store,
		  json_t *items, json_t *warnings, json_t *failures, dg_writer_usage *usage, json_t **texts)
{
	json_t *pending = json_array(), *pkeys = json_array(), *it;
	batch proto = {o, store, http, NULL, NULL, json_object(), warnings, failures, usage};
	char *auth = NULL;
	size_t i, asked = 0, left_out = 0;
	int err = 0;

	*texts = proto.texts;
	if (usage->requests_left < 0)
		usage->requests_left = o->max_requests;
	json_array_foreach(items, i, it) {
		char *key = kept_key(o, prompt, it), *kept = NULL;
		size_t len;
		int found = dg_store_kept_get(store, KEPT_NS, key, &kept, &len);
		json_t *k = found == 1 ? json_loadb(kept, len, 0, NULL) : NULL;

		if (found < 0) {
			free(key);
			err = found;
			goto done;
		}
		if (k && json_is_string(json_object_get(k, "text"))) {
			json_object_set(proto.texts, dg_json_str(it, "id"), json_object_get(k, "text"));
			usage->kept++;
		} else if (k && json_is_string(json_object_get(k, "refused"))) {
			dg_json_appendf(warnings, "writer: the kept answer for %s item %s was not used (%s): it keeps the "
					"facts' text", dg_json_str(it, "kind"), dg_json_str(it, "id"),
					dg_json_str(k, "refused"));
			usage->kept++;
		} else {
			json_array_append(pending, it);
			json_array_append_new(pkeys, json_string(key));
		}
		json_decref(k);
		free(kept);
		free(key);
	}
	if (!json_array_size(pending))
		goto done;
	if (dg_http_offline(http)) {
		dg_json_appendf(warnings, "writer: %zu item%s not kept from an earlier run (--offline): the facts' text "
				"stands", json_array_size(pending), json_array_size(pending) == 1 ? " is" : "s are");
		goto done;
	}
	auth = auth_line(o, http);
	for (i = 0; i < json_array_size(pending); i += (size_t)o->batch) {
		json_t *part = json_array(), *keys = json_object();

		for (size_t k = i; k < i + (size_t)o->batch && k < json_array_size(pending); k++) {
			json_t *copy = json_deep_copy(json_array_get(pending, k));
			json_array_append_new(part, copy);
			json_object_set(keys, dg_json_str(copy, "id"), json_array_get(pkeys, k));
		}
		if (usage->requests_left <= 0) {
			left_out += json_array_size(part);
			json_decref(part);
			json_decref(keys);
			continue;
		}
		usage->requests_left--;
		asked++;
		send_batch(&proto, prompt, (const char *const[]){auth ? auth : "", NULL} + (auth ? 0 : 1), part, keys);
	}
	if (left_out)
		dg_json_appendf(failures, "writer: writer.max_requests (%d) used up: %zu item%s keep%s the facts' text",
				o->max_requests, left_out, left_out == 1 ? "" : "s", left_out == 1 ? "s" : "");
	if (asked && dg_http_run(http) < 0)
		failure_once(failures, dg_err_last());
done:
	wipe(auth);
	json_decref(pending);
	json_decref(pkeys);
	return err;
}

static void on_probe(dg_http *h, void *ud, const dg_http_response *resp, int err, const char *message)
{
	dg_buf *out = ud;
	json_t *body;
	const char *text;

	(void)h;
	if (err < 0) {
		dg_buf_printf(out, "%s", message ? message : "the request failed");
		return;
	}
	body = json_loadb(resp->body, resp->len, 0, NULL);
	text = json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(body, "choices"), 0),
								 "message"), "content"));
	if (!text)
		dg_buf_printf(out, "%s: the answer is not a chat completion (choices[0].message.content)", resp->url);
	json_decref(body);
}

int dg_writer_probe(const dg_writer_opts *o, dg_http *http)
{
	dg_writer_prompt p = {.text = "Answer with the JSON object {\"items\": []}."};
	json_t *none = json_array();
	char *body = request_body(o, &p, none), *url = endpoint(o->api_url), *auth = auth_line(o, http);
	dg_buf out = DG_BUF_INIT;
	int err = 0;

	dg_http_post_with(http, url, "application/json", (const char *const[]){auth ? auth : "", NULL} + (auth ? 0 : 1),
			  body, strlen(body), on_probe, &out);
	if (dg_http_run(http) < 0)
		err = dg_err_wrap(DG_ERR_FAIL, "writer");
	else if (out.len) {
		const char *key = getenv(o->key_env);
		err = dg_err_set(DG_ERR_FAIL, "writer: %s%s%s%s", dg_buf_cstr(&out),
				 strstr(dg_buf_cstr(&out), ": HTTP 40") ? " (the key in $" : "",
				 strstr(dg_buf_cstr(&out), ": HTTP 40") ? o->key_env : "",
				 strstr(dg_buf_cstr(&out), ": HTTP 40") ? (key && *key ? ")" : ", unset)") : "");
	}
	dg_buf_free(&out);
	wipe(auth);
	free(url);
	free(body);
	json_decref(none);
	return err;
}
