/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's store: the desired state as rows of one SQLite file, one row per
 * object. A save reads the stored rows of each kind, compares them with the
 * document by canonical text and writes only the difference, all in one
 * transaction, so a crash leaves either the old state or the new one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "rpc.h"
#include "store.h"
#include "topology.h"

#define STORE_SCHEMA_SQL						\
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"		\
	"CREATE TABLE objects(kind TEXT NOT NULL, name TEXT NOT NULL,"	\
	" pos INTEGER NOT NULL, body TEXT NOT NULL,"			\
	" PRIMARY KEY(kind, name));"					\
	"INSERT INTO meta(key, value) VALUES ('schema_version', '1'),"	\
	" ('generation', '0');"

struct store {
	sqlite3 *db;
	uint64_t generation;
	char errmsg[512];
	sqlite3_stmt *gen_get;
	sqlite3_stmt *gen_set;
	sqlite3_stmt *kind_select;
	sqlite3_stmt *obj_insert;
	sqlite3_stmt *obj_update;
	sqlite3_stmt *obj_move;
	sqlite3_stmt *obj_delete;
};

/* A stored row of the kind being saved. */
struct store_row {
	char *name;
	char *body;
	int64_t pos;
	bool seen;
};

struct store_rows {
	struct store_row *v;
	size_t n, cap;
	json_t *index;		/* name -> index in v */
};

static int
store_fail(struct store *s, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
store_fail(struct store *s, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
	return ret;
}

/* Record SQLite's message for `rc` and map it to an errno. */
static int
store_sql_fail(struct store *s, int rc)
{
	int ret;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		ret = -EBUSY;
		break;
	case SQLITE_NOMEM:
		ret = -ENOMEM;
		break;
	case SQLITE_NOTADB:
		ret = -EPROTO;
		break;
	default:
		ret = -EIO;
		break;
	}
	return store_fail(s, ret, "sqlite: %s", sqlite3_errmsg(s->db));
}

static int
store_exec(struct store *s, const char *sql)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_sql_fail(s, rc);
}

/* Step a statement that returns no row, then make it reusable. */
static int
store_run(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st), ret = 0;

	if (rc != SQLITE_DONE)
		ret = store_sql_fail(s, rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/*
 * Undo an open transaction. SQLite may already have rolled back by itself
 * (SQLITE_FULL, SQLITE_IOERR), hence the autocommit test; the error being
 * reported is the first one, not ROLLBACK's.
 */
static void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
store_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    st, NULL);

	return rc == SQLITE_OK ? 0 : store_sql_fail(s, rc);
}

/* A single-value query: the first column of the first row as an integer. */
static int
store_query_int(struct store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = store_prepare(s, sql, &st);
	if (ret < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		ret = 0;
	} else {
		ret = store_sql_fail(s, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	}
	sqlite3_finalize(st);
	return ret;
}

/* Parse a meta value written by this code: a decimal without sign. */
static int
store_meta_u64(const unsigned char *text, uint64_t *out)
{
	char *end;

	if (text == NULL || *text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull((const char *)text, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

/* Read meta.generation into s->generation. */
static int
store_generation_read(struct store *s)
{
	int rc = sqlite3_step(s->gen_get), ret = 0;
	uint64_t gen;

	if (rc == SQLITE_ROW) {
		if (store_meta_u64(sqlite3_column_text(s->gen_get, 0), &gen) < 0)
			ret = store_fail(s, -EIO,
					 "meta.generation '%s' is not a number",
					 sqlite3_column_text(s->gen_get, 0));
		else
			s->generation = gen;
	} else if (rc == SQLITE_DONE) {
		ret = store_fail(s, -EIO, "meta.generation is missing");
	} else {
		ret = store_sql_fail(s, rc);
	}
	sqlite3_reset(s->gen_get);
	return ret;
}


/*
 * Recognise a Switchyard store, or make one of an empty file. Runs under a
 * write lock so two processes opening a new file at once create the schema
 * once. A foreign file is only read: nothing is written before it has been
 * recognised, and the journal mode is changed only afterwards.
 */
static int
store_schema_check(struct store *s)
{
	int64_t app_id, n_tables, version;
	sqlite3_stmt *st = NULL;
	char sql[128];
	uint64_t v;
	int ret, rc;

	ret = store_exec(s, "BEGIN IMMEDIATE");
	if (ret < 0)
		return ret;
	ret = store_query_int(s, "PRAGMA application_id", &app_id);
	if (ret < 0)
		goto fail;
	ret = store_query_int(s, "SELECT count(*) FROM sqlite_master", &n_tables);
	if (ret < 0)
		goto fail;

	if (app_id == 0 && n_tables == 0) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
			 (int)STORE_APPLICATION_ID);
		ret = store_exec(s, sql);
		if (ret == 0)
			ret = store_exec(s, STORE_SCHEMA_SQL);
		if (ret < 0)
			goto fail;
	} else if (app_id != STORE_APPLICATION_ID) {
		ret = store_fail(s, -EPROTO, "not a Switchyard store"
				 " (application_id %" PRId64 ")", app_id);
		goto fail;
	}

	/* A missing table or row means a damaged store: refuse it too. */
	rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta"
				" WHERE key = 'schema_version'", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		ret = store_fail(s, -EPROTO, "no meta table: %s",
				 sqlite3_errmsg(s->db));
		goto fail;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW ||
	    store_meta_u64(sqlite3_column_text(st, 0), &v) < 0 ||
	    v == 0 || v > INT64_MAX) {
		ret = store_fail(s, -EPROTO, "meta.schema_version is missing"
				 " or not a number");
		goto fail;
	}
	version = (int64_t)v;
	if (version != STORE_SCHEMA_VERSION) {
		ret = store_fail(s, -EPROTO, "schema version %" PRId64
				 " is not %d", version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = sqlite3_prepare_v2(s->db, "SELECT kind, name, pos, body"
				" FROM objects LIMIT 0", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		ret = store_fail(s, -EPROTO, "no objects table: %s",
				 sqlite3_errmsg(s->db));
		goto fail;
	}
	sqlite3_finalize(st);
	return store_exec(s, "COMMIT");

fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return ret;
}

static int
store_connection_setup(struct store *s)
{
	sqlite3_stmt *st;
	const char *mode;
	int ret, rc;

	/* journal_mode answers with the mode in force, which may not be WAL. */
	ret = store_prepare(s, "PRAGMA journal_mode = WAL", &st);
	if (ret < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		ret = store_sql_fail(s, rc);
	} else {
		mode = (const char *)sqlite3_column_text(st, 0);
		if (mode == NULL || strcmp(mode, "wal") != 0)
			ret = store_fail(s, -EIO, "cannot use the WAL journal"
					 " (journal_mode is %s)",
					 mode ? mode : "unknown");
	}
	sqlite3_finalize(st);
	if (ret < 0)
		return ret;
	ret = store_exec(s, "PRAGMA synchronous = FULL");
	if (ret == 0)
		ret = store_exec(s, "PRAGMA foreign_keys = ON");
	return ret;
}

static int
store_statements_prepare(struct store *s)
{
	const struct {
		sqlite3_stmt **st;
		const char *sql;
	} stmts[] = {
		{ &s->gen_get,
		  "SELECT value FROM meta WHERE key = 'generation'" },
		{ &s->gen_set,
		  "UPDATE meta SET value = ?1 WHERE key = 'generation'" },
		{ &s->kind_select,
		  "SELECT name, pos, body FROM objects WHERE kind = ?1"
		  " ORDER BY pos" },
		{ &s->obj_insert,
		  "INSERT INTO objects(kind, name, pos, body)"
		  " VALUES (?1, ?2, ?3, ?4)" },
		{ &s->obj_update,
		  "UPDATE objects SET pos = ?3, body = ?4"
		  " WHERE kind = ?1 AND name = ?2" },
		{ &s->obj_move,
		  "UPDATE objects SET pos = ?3 WHERE kind = ?1 AND name = ?2" },
		{ &s->obj_delete,
		  "DELETE FROM objects WHERE kind = ?1 AND name = ?2" },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		ret = store_prepare(s, stmts[i].sql, stmts[i].st);
		if (ret < 0)
			return ret;
	}
	return 0;
}

struct store *
store_open(const char *path, int *errp)
{
	struct store *s;
	int ret, rc;

	if (path == NULL || *path == '\0') {
		ret = -EINVAL;
		goto fail;
	}
	ret = rpc_parents_make(path, 0750);
	if (ret < 0)
		goto fail;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		/* Prefer the system's reason (EACCES, EISDIR...) to SQLite's. */
		ret = s->db && sqlite3_system_errno(s->db) > 0 ?
			-sqlite3_system_errno(s->db) : -EIO;
		goto fail_close;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);

	ret = store_schema_check(s);
	if (ret < 0)
		goto fail_close;
	ret = store_connection_setup(s);
	if (ret < 0)
		goto fail_close;
	ret = store_statements_prepare(s);
	if (ret < 0)
		goto fail_close;
	ret = store_generation_read(s);
	if (ret < 0)
		goto fail_close;
	s->errmsg[0] = '\0';
	return s;

fail_close:
	store_close(s);
fail:
	if (errp != NULL)
		*errp = ret;
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->gen_get);
	sqlite3_finalize(s->gen_set);
	sqlite3_finalize(s->kind_select);
	sqlite3_finalize(s->obj_insert);
	sqlite3_finalize(s->obj_update);
	sqlite3_finalize(s->obj_move);
	sqlite3_finalize(s->obj_delete);
	sqlite3_close(s->db);
	free(s);
}

uint64_t
store_generation(const struct store *s)
{
	return s == NULL ? 0 : s->generation;
}

const char *
store_errmsg(const struct store *s)
{
	return s == NULL ? "" : s->errmsg;
}

/* ---- Load ---- */

static int
store_kind_load(struct store *s, const struct topo_kind_info *k, json_t *doc)
{
	json_t *list = NULL, *obj;
	json_error_t jerr;
	const char *body;
	int rc, ret = 0;

	if (!k->single) {
		list = json_array();
		if (list == NULL || json_object_set_new(doc, k->plural, list) < 0)
			return store_fail(s, -ENOMEM, "out of memory");
	}
	sqlite3_bind_text(s->kind_select, 1, k->plural, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s->kind_select)) == SQLITE_ROW) {
		body = (const char *)sqlite3_column_text(s->kind_select, 2);
		obj = json_loads(body ? body : "", JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(obj)) {
			ret = store_fail(s, -EIO, "%s/%s: stored body is not a"
					 " JSON object: %s", k->plural,
					 sqlite3_column_text(s->kind_select, 0),
					 obj ? "wrong type" : jerr.text);
			json_decref(obj);
			break;
		}
		if (k->single)
			rc = json_object_set_new(doc, k->plural, obj);
		else
			rc = json_array_append_new(list, obj);
		if (rc < 0) {
			ret = store_fail(s, -ENOMEM, "out of memory");
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_sql_fail(s, rc);
	sqlite3_reset(s->kind_select);
	sqlite3_clear_bindings(s->kind_select);
	return ret;
}

json_t *
store_load(struct store *s)
{
	json_t *doc;
	size_t i;

	if (s == NULL)
		return NULL;
	s->errmsg[0] = '\0';
	doc = json_object();
	if (doc == NULL) {
		store_fail(s, -ENOMEM, "out of memory");
		return NULL;
	}
	/* One read transaction: the kinds and the generation of one commit. */
	if (store_exec(s, "BEGIN") < 0)
		goto fail;
	if (store_generation_read(s) < 0)
		goto fail_rollback;
	/* Kinds in dependency order: the document's key order. */
	for (i = 0; i < TOPO_KIND_MAX; i++)
		if (store_kind_load(s, topo_kind_get(i), doc) < 0)
			goto fail_rollback;
	if (store_exec(s, "COMMIT") < 0)
		goto fail_rollback;
	return doc;

fail_rollback:
	store_rollback(s);
fail:
	json_decref(doc);
	return NULL;
}

/* ---- Save ---- */

void
store_delta_release(struct store_delta *d)
{
	if (d == NULL)
		return;
	json_decref(d->created_names);
	json_decref(d->updated_names);
	json_decref(d->deleted_names);
	memset(d, 0, sizeof(*d));
}

/* Objects of kind `k` in `doc`: 0 or 1 for the overlay. */
static size_t
store_doc_count(const json_t *doc, const struct topo_kind_info *k)
{
	json_t *v = json_object_get(doc, k->plural);

	if (k->single)
		return json_is_object(v) ? 1 : 0;
	return json_array_size(v);
}

static json_t *
store_doc_item(const json_t *doc, const struct topo_kind_info *k, size_t i,
	       const char **name)
{
	json_t *v = json_object_get(doc, k->plural);

	if (k->single) {
		*name = "";
		return v;
	}
	v = json_array_get(v, i);
	*name = json_string_value(json_object_get(v, "name"));
	return v;
}

/* Check everything store_save() relies on before touching the database. */
static int
store_doc_check(struct store *s, const json_t *doc)
{
	const struct topo_kind_info *k;
	json_t *list, *obj, *name, *seen;
	const char *key;
	size_t i;
	int ret = 0;

	if (!json_is_object(doc))
		return store_fail(s, -EINVAL, "the document is not an object");
	json_object_foreach((json_t *)doc, key, list) {
		k = topo_kind_from_key(key);
		if (k == NULL)
			return store_fail(s, -EINVAL, "'%s' is not a kind;"
					  " expected networks, ports, routers,"
					  " overlay, flows or vms", key);
		if (k->single) {
			if (!json_is_object(list) && !json_is_null(list))
				return store_fail(s, -EINVAL, "%s: expected an"
						  " object or null", key);
			continue;
		}
		if (!json_is_array(list))
			return store_fail(s, -EINVAL, "%s: expected an array",
					  key);
		seen = json_object();
		if (seen == NULL)
			return store_fail(s, -ENOMEM, "out of memory");
		json_array_foreach(list, i, obj) {
			name = json_object_get(obj, "name");
			if (!json_is_object(obj) || !json_is_string(name) ||
			    json_string_length(name) == 0 ||
			    json_string_length(name) !=
			    strlen(json_string_value(name))) {
				ret = store_fail(s, -EINVAL, "%s[%zu]: expected"
						 " an object with a non-empty"
						 " string \"name\"", key, i);
				break;
			}
			if (json_object_get(seen, json_string_value(name))) {
				ret = store_fail(s, -EINVAL, "%s[%zu]: name"
						 " '%s' appears twice", key, i,
						 json_string_value(name));
				break;
			}
			if (json_object_set_new(seen, json_string_value(name),
						json_true()) < 0) {
				ret = store_fail(s, -ENOMEM, "out of memory");
				break;
			}
		}
		json_decref(seen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void
store_rows_free(struct store_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].body);
	}
	free(r->v);
	json_decref(r->index);
	memset(r, 0, sizeof(*r));
}

/* Read the stored rows of kind `k`, in stored order, with a name index. */
static int
store_rows_read(struct store *s, const struct topo_kind_info *k,
		struct store_rows *r)
{
	struct store_row *row, *nv;
	const char *name, *body;
	int rc, ret = 0;

	r->index = json_object();
	if (r->index == NULL)
		return store_fail(s, -ENOMEM, "out of memory");
	sqlite3_bind_text(s->kind_select, 1, k->plural, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s->kind_select)) == SQLITE_ROW) {
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			nv = realloc(r->v, r->cap * sizeof(*nv));
			if (nv == NULL) {
				ret = store_fail(s, -ENOMEM, "out of memory");
				break;
			}
			r->v = nv;
		}
		name = (const char *)sqlite3_column_text(s->kind_select, 0);
		body = (const char *)sqlite3_column_text(s->kind_select, 2);
		row = &r->v[r->n];
		row->name = strdup(name ? name : "");
		row->body = strdup(body ? body : "");
		row->pos = sqlite3_column_int64(s->kind_select, 1);
		row->seen = false;
		if (row->name == NULL || row->body == NULL) {
			free(row->name);
			free(row->body);
			ret = store_fail(s, -ENOMEM, "out of memory");
			break;
		}
		r->n++;
		if (json_object_set_new(r->index, row->name,
					json_integer((json_int_t)(r->n - 1))) < 0) {
			ret = store_fail(s, -ENOMEM, "out of memory");
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_sql_fail(s, rc);
	sqlite3_reset(s->kind_select);
	sqlite3_clear_bindings(s->kind_select);
	return ret;
}

/*
 * Equal by canonical text. The stored body keeps the key order it arrived
 * in, so equal bodies are the common, cheap case; otherwise both sides are
 * dumped with sorted keys.
 */
static int
store_body_equal(struct store *s, const char *stored, const char *text,
		 const json_t *obj, bool *equal)
{
	char *a, *b;
	json_t *old;

	if (strcmp(stored, text) == 0) {
		*equal = true;
		return 0;
	}
	old = json_loads(stored, 0, NULL);
	if (old == NULL) {
		/* A damaged body differs from anything: rewrite it. */
		*equal = false;
		return 0;
	}
	a = json_dumps(old, JSON_COMPACT | JSON_SORT_KEYS);
	b = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(old);
	if (a != NULL && b != NULL)
		*equal = strcmp(a, b) == 0;
	free(a);
	free(b);
	return a != NULL && b != NULL ? 0 :
		store_fail(s, -ENOMEM, "out of memory");
}

static int
store_delta_add(struct store *s, json_t *names, const struct topo_kind_info *k,
		const char *name)
{
	json_t *v;

	v = k->single ? json_string(k->plural) :
		json_sprintf("%s/%s", k->singular, name);
	if (json_array_append_new(names, v) < 0)
		return store_fail(s, -ENOMEM, "out of memory");
	return 0;
}

/* Bind (kind, name[, pos[, body]]) and run one of the row statements. */
static int
store_row_write(struct store *s, sqlite3_stmt *st,
		const struct topo_kind_info *k, const char *name, int64_t pos,
		const char *body)
{
	sqlite3_bind_text(st, 1, k->plural, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (st != s->obj_delete)
		sqlite3_bind_int64(st, 3, pos);
	if (body != NULL)
		sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
	return store_run(s, st);
}

/* Save object `obj` of kind `k` at position `pos` of its list. */
static int
store_object_save(struct store *s, const struct topo_kind_info *k,
		  struct store_rows *rows, const char *name, const json_t *obj,
		  int64_t pos, bool dry_run, struct store_delta *d,
		  bool *written)
{
	struct store_row *row;
	json_t *idx;
	char *text;
	bool equal = false;
	int ret;

	text = json_dumps(obj, JSON_COMPACT);
	if (text == NULL)
		return store_fail(s, -ENOMEM, "out of memory");
	idx = json_object_get(rows->index, name);
	if (idx == NULL) {
		d->created++;
		ret = store_delta_add(s, d->created_names, k, name);
		if (ret == 0 && !dry_run) {
			*written = true;
			ret = store_row_write(s, s->obj_insert, k, name, pos,
					      text);
		}
		goto out;
	}
	row = &rows->v[json_integer_value(idx)];
	row->seen = true;
	ret = store_body_equal(s, row->body, text, obj, &equal);
	if (ret < 0)
		goto out;
	if (!equal) {
		d->updated++;
		ret = store_delta_add(s, d->updated_names, k, name);
		if (ret == 0 && !dry_run) {
			*written = true;
			ret = store_row_write(s, s->obj_update, k, name, pos,
					      text);
		}
	} else {
		d->unchanged++;
		if (row->pos != pos && !dry_run) {
			*written = true;
			ret = store_row_write(s, s->obj_move, k, name, pos,
					      NULL);
		}
	}
out:
	free(text);
	return ret;
}

static int
store_kind_save(struct store *s, const json_t *doc,
		const struct topo_kind_info *k, bool dry_run,
		struct store_delta *d, bool *written)
{
	struct store_rows rows = { 0 };
	struct store_row *row;
	const char *name;
	json_t *obj;
	size_t i, n;
	int ret;

	ret = store_rows_read(s, k, &rows);
	n = store_doc_count(doc, k);
	for (i = 0; ret == 0 && i < n; i++) {
		obj = store_doc_item(doc, k, i, &name);
		ret = store_object_save(s, k, &rows, name, obj, (int64_t)i,
					dry_run, d, written);
	}
	/* What the document no longer holds, in stored order. */
	for (i = 0; ret == 0 && i < rows.n; i++) {
		row = &rows.v[i];
		if (row->seen)
			continue;
		d->deleted++;
		ret = store_delta_add(s, d->deleted_names, k, row->name);
		if (ret == 0 && !dry_run) {
			*written = true;
			ret = store_row_write(s, s->obj_delete, k, row->name,
					      0, NULL);
		}
	}
	store_rows_free(&rows);
	return ret;
}

int
store_save(struct store *s, const json_t *doc, bool dry_run,
	   struct store_delta *delta)
{
	struct store_delta d = { 0 };
	bool written = false;
	char gen[24];
	size_t i;
	int ret;

	if (delta != NULL)
		memset(delta, 0, sizeof(*delta));
	if (s == NULL || doc == NULL)
		return -EINVAL;
	s->errmsg[0] = '\0';
	ret = store_doc_check(s, doc);
	if (ret < 0)
		return ret;
	d.created_names = json_array();
	d.updated_names = json_array();
	d.deleted_names = json_array();
	if (!d.created_names || !d.updated_names || !d.deleted_names) {
		ret = store_fail(s, -ENOMEM, "out of memory");
		goto fail;
	}

	/*
	 * Take the write lock up front: a deferred transaction that read
	 * first could fail to upgrade with SQLITE_BUSY and no wait.
	 */
	ret = store_exec(s, dry_run ? "BEGIN" : "BEGIN IMMEDIATE");
	if (ret < 0)
		goto fail;
	ret = store_generation_read(s);
	if (ret < 0)
		goto fail_rollback;
	for (i = 0; i < TOPO_KIND_MAX; i++) {
		ret = store_kind_save(s, doc, topo_kind_get(i), dry_run, &d,
				      &written);
		if (ret < 0)
			goto fail_rollback;
	}
	if (dry_run) {
		store_rollback(s);
		goto done;
	}
	if (written) {
		snprintf(gen, sizeof(gen), "%" PRIu64, s->generation + 1);
		sqlite3_bind_text(s->gen_set, 1, gen, -1, SQLITE_STATIC);
		ret = store_run(s, s->gen_set);
		if (ret < 0)
			goto fail_rollback;
	}
	ret = store_exec(s, "COMMIT");
	if (ret < 0)
		goto fail_rollback;
	if (written)
		s->generation++;
done:
	if (delta != NULL)
		*delta = d;
	else
		store_delta_release(&d);
	return 0;

fail_rollback:
	store_rollback(s);
	/* The generation read inside the failed transaction is kept: it is
	 * what the file holds. */
fail:
	store_delta_release(&d);
	return ret;
}
