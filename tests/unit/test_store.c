/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/store: documents saved and loaded back in order, deltas that name
 * exactly what changed, saves that write only the rows that differ (an audit
 * trigger installed from a second connection records every row written),
 * refusal of files that are not stores, rollback of a save that fails half
 * way, the time of a 10,000-object save, and a writer SIGKILLed in the
 * middle of its saves leaving a consistent prefix.
 *
 * STORE_TEST_VALGRIND=1 skips the fork test and the timing bound, which are
 * meaningless under valgrind.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"
#include <sqlite3.h>

#include "store.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
};

static bool
under_valgrind(void)
{
	const char *v = getenv("STORE_TEST_VALGRIND");

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/test_store.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/yardd.db", f->dir);
	*state = f;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- Documents ---- */

/* Kinds in the order store_load() gives them; the overlay only if given. */
static json_t *
doc_new(json_t *overlay)
{
	json_t *d = json_pack("{s:[], s:[], s:[], s:o*, s:[], s:[]}",
			      "networks", "ports", "routers", "overlay",
			      overlay, "flows", "vms");

	assert_non_null(d);
	return d;
}

static json_t *
doc_empty(void)
{
	return doc_new(NULL);
}

static void
doc_add(json_t *doc, const char *kind, json_t *obj)
{
	assert_non_null(obj);
	assert_int_equal(json_array_append_new(json_object_get(doc, kind), obj),
			 0);
}

static json_t *
network(const char *name, int vni)
{
	/* Keys deliberately not in alphabetical order: they must stay so. */
	return json_pack("{s:s, s:i, s:i}", "name", name, "vni", vni,
			 "ageing", 300);
}

/* Every kind, list objects in non-alphabetical order. */
static json_t *
doc_full(void)
{
	json_t *d = doc_new(json_pack("{s:s, s:i}", "vtep", "192.0.2.1",
				      "port", 4789));

	doc_add(d, "networks", network("zeta", 10));
	doc_add(d, "networks", network("alpha", 20));
	doc_add(d, "networks", network("mid", 30));
	doc_add(d, "ports", json_pack("{s:s, s:s, s:s, s:[s, s]}", "name", "p2",
				       "kind", "vhost", "network", "zeta",
				       "ips", "10.0.0.2", "10.0.0.3"));
	doc_add(d, "ports", json_pack("{s:s, s:s, s:s}", "name", "p1", "kind",
				       "tap", "network", "alpha"));
	doc_add(d, "routers", json_pack("{s:s, s:[{s:s, s:s}]}", "name", "r1",
					 "interfaces", "network", "zeta",
					 "address", "10.0.0.1/24"));
	doc_add(d, "flows", json_pack("{s:s, s:i}", "name", "f1", "priority",
				       100));
	doc_add(d, "vms", json_pack("{s:s, s:s}", "name", "vm1", "memory",
				     "1G"));
	return d;
}

/* The document with networks n1..nk. */
static json_t *
doc_prefix(int k)
{
	json_t *d = json_pack("{s:[]}", "networks");
	char name[32];
	int i;

	for (i = 1; i <= k; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		doc_add(d, "networks", network(name, i));
	}
	return d;
}

/* Equal values and, in every object, the same key order. */
static void
assert_doc_same(json_t *got, json_t *want)
{
	char *a, *b;

	assert_non_null(got);
	a = json_dumps(got, JSON_COMPACT);
	b = json_dumps(want, JSON_COMPACT);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* What the store holds now is `want`, key order included. */
static void
assert_stored(struct store *s, json_t *want)
{
	json_t *got = store_load(s);

	assert_doc_same(got, want);
	json_decref(got);
}

static void
assert_names(json_t *names, const char *want)
{
	char *got = json_dumps(names, JSON_COMPACT);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static struct store *
open_ok(const char *path)
{
	int err = 0;
	struct store *s = store_open(path, &err);

	if (s == NULL)
		fail_msg("store_open(%s): %s", path, strerror(-err));
	return s;
}

static void
save_ok(struct store *s, json_t *doc, bool dry_run, struct store_delta *d)
{
	int rc = store_save(s, doc, dry_run, d);

	if (rc != 0)
		fail_msg("store_save: %s (%s)", strerror(-rc), store_errmsg(s));
}

/* ---- A second connection: audit trigger, raw queries ---- */

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The first column of the first row as text ("" for none or NULL). */
static char *
raw_text(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st;
	const char *v = NULL;
	char *out;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (const char *)sqlite3_column_text(st, 0);
	out = strdup(v ? v : "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(out);
	return out;
}

static void
assert_raw(const char *path, const char *sql, const char *want)
{
	char *got = raw_text(path, sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got, want);
	free(got);
}

/* Record every row the store writes into audit(op, kind, name). */
static void
audit_install(const char *path)
{
	raw_exec(path,
		 "CREATE TABLE audit(op TEXT, kind TEXT, name TEXT);"
		 "CREATE TRIGGER a_ins AFTER INSERT ON objects BEGIN"
		 " INSERT INTO audit VALUES ('ins', new.kind, new.name); END;"
		 "CREATE TRIGGER a_upd AFTER UPDATE ON objects BEGIN"
		 " INSERT INTO audit VALUES ('upd', new.kind, new.name); END;"
		 "CREATE TRIGGER a_del AFTER DELETE ON objects BEGIN"
		 " INSERT INTO audit VALUES ('del', old.kind, old.name); END;");
}

static void
assert_audit(const char *path, const char *want)
{
	assert_raw(path, "SELECT coalesce(group_concat(op || ' ' || kind"
		   " || '/' || name, ','), '') FROM (SELECT * FROM audit"
		   " ORDER BY rowid)", want);
	raw_exec(path, "DELETE FROM audit");
}

/* ---- Tests ---- */

static void
test_roundtrip_order(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full(), *empty = doc_empty();

	assert_int_equal(store_generation(s), 0);
	assert_stored(s, empty);
	json_decref(empty);

	save_ok(s, doc, false, &d);
	assert_int_equal(d.created, 9);
	assert_int_equal(d.updated + d.deleted + d.unchanged, 0);
	assert_names(d.created_names, "[\"network/zeta\",\"network/alpha\","
		     "\"network/mid\",\"port/p2\",\"port/p1\",\"router/r1\","
		     "\"overlay\",\"flow/f1\",\"vm/vm1\"]");
	assert_names(d.updated_names, "[]");
	assert_names(d.deleted_names, "[]");
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 1);

	assert_stored(s, doc);
	/* The overlay's row: kind "overlay", name "". */
	store_close(s);
	assert_raw(f->path, "SELECT count(*) FROM objects WHERE kind ="
		   " 'overlay' AND name = '' AND pos = 0", "1");
	assert_raw(f->path, "SELECT group_concat(name, ',') FROM (SELECT name"
		   " FROM objects WHERE kind = 'networks' ORDER BY pos)",
		   "zeta,alpha,mid");
	assert_raw(f->path, "SELECT value FROM meta WHERE key ="
		   " 'schema_version'", "1");
	assert_raw(f->path, "SELECT value FROM meta WHERE key = 'generation'",
		   "1");
	assert_raw(f->path, "PRAGMA journal_mode", "wal");
	json_decref(doc);
}

static void
test_update_one(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full();

	save_ok(s, doc, false, NULL);
	audit_install(f->path);
	json_object_set_new(json_array_get(json_object_get(doc, "networks"), 1),
			    "vni", json_integer(21));
	save_ok(s, doc, false, &d);
	assert_int_equal(d.created, 0);
	assert_int_equal(d.updated, 1);
	assert_int_equal(d.deleted, 0);
	assert_int_equal(d.unchanged, 8);
	assert_names(d.updated_names, "[\"network/alpha\"]");
	assert_names(d.created_names, "[]");
	assert_names(d.deleted_names, "[]");
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 2);
	assert_audit(f->path, "upd networks/alpha");

	/* The overlay alone, then one port and a new router at once. */
	json_object_set_new(json_object_get(doc, "overlay"), "port",
			    json_integer(4790));
	json_object_set_new(json_array_get(json_object_get(doc, "ports"), 0),
			    "network", json_string("mid"));
	doc_add(doc, "routers", json_pack("{s:s}", "name", "r0"));
	save_ok(s, doc, false, &d);
	assert_int_equal(d.created, 1);
	assert_int_equal(d.updated, 2);
	assert_int_equal(d.unchanged, 7);
	assert_names(d.updated_names, "[\"port/p2\",\"overlay\"]");
	assert_names(d.created_names, "[\"router/r0\"]");
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 3);
	assert_audit(f->path, "upd ports/p2,ins routers/r0,upd overlay/");

	assert_stored(s, doc);
	store_close(s);
	json_decref(doc);
}

static void
test_delete(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full(), *got;

	save_ok(s, doc, false, NULL);
	audit_install(f->path);
	json_array_remove(json_object_get(doc, "networks"), 2);
	json_object_del(doc, "overlay");
	/* A kind left out of the document means none of it. */
	json_object_del(doc, "vms");
	save_ok(s, doc, false, &d);
	assert_int_equal(d.deleted, 3);
	assert_int_equal(d.created + d.updated, 0);
	assert_int_equal(d.unchanged, 6);
	assert_names(d.deleted_names, "[\"network/mid\",\"overlay\",\"vm/vm1\"]");
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 2);
	assert_audit(f->path, "del networks/mid,del overlay/,del vms/vm1");

	got = store_load(s);
	assert_null(json_object_get(got, "overlay"));
	json_object_set_new(doc, "vms", json_array());
	assert_true(json_equal(got, doc));
	json_decref(got);

	/* Everything. */
	json_decref(doc);
	doc = json_object();
	save_ok(s, doc, false, &d);
	assert_int_equal(d.deleted, 6);
	store_delta_release(&d);
	got = store_load(s);
	json_decref(doc);
	doc = doc_empty();
	assert_doc_same(got, doc);
	json_decref(got);
	store_close(s);
	assert_raw(f->path, "SELECT count(*) FROM objects", "0");
	json_decref(doc);
}

static void
test_move(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full(), *nets;

	save_ok(s, doc, false, NULL);
	audit_install(f->path);
	/* zeta, alpha, mid -> alpha, mid, zeta: content unchanged. */
	nets = json_object_get(doc, "networks");
	json_array_append(nets, json_array_get(nets, 0));
	json_array_remove(nets, 0);
	save_ok(s, doc, false, &d);
	assert_int_equal(d.unchanged, 9);
	assert_int_equal(d.created + d.updated + d.deleted, 0);
	store_delta_release(&d);
	/* The order is state: it was written and the generation moved. */
	assert_int_equal(store_generation(s), 2);
	assert_audit(f->path,
		     "upd networks/alpha,upd networks/mid,upd networks/zeta");
	assert_stored(s, doc);
	store_close(s);
	json_decref(doc);
}

static void
test_unchanged(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full(), *reordered;

	save_ok(s, doc, false, NULL);
	audit_install(f->path);

	save_ok(s, doc, false, &d);
	assert_int_equal(d.unchanged, 9);
	assert_int_equal(d.created + d.updated + d.deleted, 0);
	assert_names(d.created_names, "[]");
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 1);

	/* Same canonical text with the keys of an object in another order. */
	reordered = json_deep_copy(doc);
	json_array_set_new(json_object_get(reordered, "networks"), 0,
			   json_pack("{s:i, s:i, s:s}", "ageing", 300,
				     "vni", 10, "name", "zeta"));
	save_ok(s, reordered, false, &d);
	assert_int_equal(d.unchanged, 9);
	assert_int_equal(d.created + d.updated + d.deleted, 0);
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 1);

	assert_audit(f->path, "");
	assert_raw(f->path, "SELECT value FROM meta WHERE key = 'generation'",
		   "1");
	/* Still the first text: nothing rewrote the row. */
	assert_stored(s, doc);
	store_close(s);
	json_decref(reordered);
	json_decref(doc);
}

static void
test_dry_run(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full(), *next;

	save_ok(s, doc, false, NULL);
	audit_install(f->path);
	next = json_deep_copy(doc);
	json_array_remove(json_object_get(next, "ports"), 1);
	doc_add(next, "flows", json_pack("{s:s}", "name", "f2"));
	json_object_set_new(json_array_get(json_object_get(next, "vms"), 0),
			    "memory", json_string("2G"));
	save_ok(s, next, true, &d);
	assert_int_equal(d.created, 1);
	assert_int_equal(d.updated, 1);
	assert_int_equal(d.deleted, 1);
	assert_int_equal(d.unchanged, 7);
	assert_names(d.created_names, "[\"flow/f2\"]");
	assert_names(d.updated_names, "[\"vm/vm1\"]");
	assert_names(d.deleted_names, "[\"port/p1\"]");
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 1);
	assert_audit(f->path, "");
	assert_stored(s, doc);

	/* The same delta when done for real. */
	save_ok(s, next, false, &d);
	assert_int_equal(d.created, 1);
	assert_int_equal(d.updated, 1);
	assert_int_equal(d.deleted, 1);
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 2);
	store_close(s);
	json_decref(next);
	json_decref(doc);
}

static void
assert_save_einval(struct store *s, json_t *doc, const char *msg)
{
	struct store_delta d;

	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(store_save(s, doc, false, &d), -EINVAL);
	assert_contains(store_errmsg(s), msg);
	/* A failed save leaves the delta empty, holding nothing. */
	assert_null(d.created_names);
	assert_int_equal(d.created, 0);
	json_decref(doc);
}

static void
test_bad_doc(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full(), *bad;

	save_ok(s, doc, false, NULL);
	audit_install(f->path);

	bad = json_deep_copy(doc);
	json_object_set_new(bad, "bogus", json_array());
	assert_save_einval(s, bad, "'bogus' is not a kind");
	/* Singular is not a kind of the document either. */
	bad = json_deep_copy(doc);
	json_object_set_new(bad, "network", json_array());
	assert_save_einval(s, bad, "'network' is not a kind");
	bad = json_deep_copy(doc);
	doc_add(bad, "ports", json_pack("{s:s}", "name", "p1"));
	assert_save_einval(s, bad, "ports[2]: name 'p1' appears twice");
	bad = json_deep_copy(doc);
	doc_add(bad, "vms", json_pack("{s:i}", "name", 3));
	assert_save_einval(s, bad, "vms[1]: expected an object");
	bad = json_deep_copy(doc);
	doc_add(bad, "vms", json_pack("{s:s}", "name", ""));
	assert_save_einval(s, bad, "vms[1]");
	bad = json_deep_copy(doc);
	doc_add(bad, "flows", json_string("f9"));
	assert_save_einval(s, bad, "flows[1]");
	bad = json_deep_copy(doc);
	json_object_set_new(bad, "routers", json_object());
	assert_save_einval(s, bad, "routers: expected an array");
	bad = json_deep_copy(doc);
	json_object_set_new(bad, "overlay", json_array());
	assert_save_einval(s, bad, "overlay: expected an object or null");
	assert_save_einval(s, json_array(), "not an object");

	assert_int_equal(store_generation(s), 1);
	assert_audit(f->path, "");
	assert_stored(s, doc);
	store_close(s);
	json_decref(doc);
}

/* A save that fails after writing some rows leaves the file as it was. */
static void
test_rollback(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full(), *next;

	save_ok(s, doc, false, NULL);
	raw_exec(f->path, "CREATE TRIGGER boom BEFORE INSERT ON objects"
		 " WHEN new.name = 'boom' BEGIN"
		 " SELECT RAISE(ABORT, 'boom refused'); END;");
	/* Networks are written before ports: an update and a delete first. */
	next = json_deep_copy(doc);
	json_object_set_new(json_array_get(json_object_get(next, "networks"), 0),
			    "vni", json_integer(11));
	json_array_remove(json_object_get(next, "networks"), 2);
	doc_add(next, "ports", json_pack("{s:s}", "name", "boom"));
	assert_int_equal(store_save(s, next, false, &d), -EIO);
	assert_contains(store_errmsg(s), "boom refused");
	assert_null(d.updated_names);
	assert_int_equal(store_generation(s), 1);

	assert_stored(s, doc);
	assert_string_equal(store_errmsg(s), "");
	assert_raw(f->path, "PRAGMA integrity_check", "ok");

	/* The store is still usable. */
	raw_exec(f->path, "DROP TRIGGER boom");
	save_ok(s, next, false, &d);
	assert_int_equal(d.created, 1);
	assert_int_equal(d.updated, 1);
	assert_int_equal(d.deleted, 1);
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 2);
	store_close(s);
	json_decref(next);
	json_decref(doc);
}

static void
test_reopen(void **state)
{
	struct fixture *f = *state;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_full();

	save_ok(s, doc, false, NULL);
	json_array_remove(json_object_get(doc, "ports"), 0);
	save_ok(s, doc, false, NULL);
	store_close(s);

	s = open_ok(f->path);
	assert_int_equal(store_generation(s), 2);
	assert_stored(s, doc);
	store_close(s);
	store_close(NULL);
	store_delta_release(NULL);
	json_decref(doc);
}

/* New stores get their directories; an empty file is a new store. */
static void
test_create(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 32];
	struct stat st;
	struct store *s;
	mode_t old;
	int err = 0, fd;

	old = umask(022);
	snprintf(path, sizeof(path), "%s/a/b/yardd.db", f->dir);
	s = open_ok(path);
	umask(old);
	store_close(s);
	snprintf(path, sizeof(path), "%s/a", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	snprintf(path, sizeof(path), "%s/a/b", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);

	fd = open(f->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	s = open_ok(f->path);
	assert_int_equal(store_generation(s), 0);
	store_close(s);

	assert_null(store_open("", &err));
	assert_int_equal(err, -EINVAL);
	assert_null(store_open(NULL, NULL));
	/* A directory where the file should be. */
	err = 0;
	assert_null(store_open(f->dir, &err));
	assert_true(err < 0);
}

static void
assert_refused(const char *path)
{
	int err = 0;

	assert_null(store_open(path, &err));
	assert_int_equal(err, -EPROTO);
}

static char *
file_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;

	assert_non_null(fp);
	buf = calloc(1, 1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static void
test_refuse_foreign(void **state)
{
	struct fixture *f = *state;
	char wal[PATH_MAX + 32];
	char *before, *after;
	size_t len_before, len_after;
	struct store *s;

	/* A SQLite database of someone else's. */
	raw_exec(f->path, "CREATE TABLE t(x); INSERT INTO t VALUES (42);");
	before = file_read(f->path, &len_before);
	assert_refused(f->path);
	after = file_read(f->path, &len_after);
	assert_int_equal(len_after, len_before);
	assert_memory_equal(after, before, len_before);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(access(wal, F_OK), -1);
	assert_raw(f->path, "PRAGMA journal_mode", "delete");
	assert_raw(f->path, "SELECT x FROM t", "42");
	free(before);
	free(after);

	/* Even one with our table names but not our application_id. */
	unlink(f->path);
	raw_exec(f->path, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
		 "INSERT INTO meta VALUES ('schema_version', '1'),"
		 " ('generation', '0');"
		 "CREATE TABLE objects(kind TEXT NOT NULL, name TEXT NOT NULL,"
		 " pos INTEGER NOT NULL, body TEXT NOT NULL,"
		 " PRIMARY KEY(kind, name));");
	assert_refused(f->path);

	/* A store of a newer schema version. */
	unlink(f->path);
	s = open_ok(f->path);
	store_close(s);
	raw_exec(f->path, "UPDATE meta SET value = '2'"
		 " WHERE key = 'schema_version'");
	assert_refused(f->path);
	raw_exec(f->path, "UPDATE meta SET value = 'one'"
		 " WHERE key = 'schema_version'");
	assert_refused(f->path);
	raw_exec(f->path, "UPDATE meta SET value = '1'"
		 " WHERE key = 'schema_version'");
	s = open_ok(f->path);
	store_close(s);
	raw_exec(f->path, "DROP TABLE objects");
	assert_refused(f->path);
}

static void
test_refuse_text(void **state)
{
	struct fixture *f = *state;
	static const char text[] =
		"networks:\n  - name: blue\n    vni: 1001\n"
		"# a YAML file given where the store should be, long enough"
		" to fill a SQLite header and then some more text\n";
	size_t len;
	char *after;
	FILE *fp;

	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_refused(f->path);
	after = file_read(f->path, &len);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(after, text, len);
	free(after);

	/* A short file too. */
	fp = fopen(f->path, "w");
	fputs("hi\n", fp);
	fclose(fp);
	assert_refused(f->path);
}

/* A document of 10,000 objects saves in one transaction, well under 1 s. */
static void
test_ten_thousand(void **state)
{
	struct fixture *f = *state;
	struct store_delta d;
	struct store *s = open_ok(f->path);
	json_t *doc = doc_empty(), *got;
	double t0, t_save, t_noop, t_load;
	char name[32], net[32];
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "net%05d", i);
		doc_add(doc, "networks", json_pack("{s:s, s:i, s:i, s:b}",
			"name", name, "vni", 10000 + i, "mac_limit", 4096,
			"arp_suppress", i % 2));
	}
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "vm%05d-eth0", i);
		snprintf(net, sizeof(net), "net%05d", i);
		doc_add(doc, "ports", json_pack("{s:s, s:s, s:s, s:s, s:[s]}",
			"name", name, "kind", "vhost", "network", net,
			"mac", "52:54:00:00:01:0a", "ips", "10.0.1.11"));
	}

	t0 = now_ms();
	save_ok(s, doc, false, &d);
	t_save = now_ms() - t0;
	assert_int_equal(d.created, 10000);
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 1);

	t0 = now_ms();
	save_ok(s, doc, false, &d);
	t_noop = now_ms() - t0;
	assert_int_equal(d.unchanged, 10000);
	assert_int_equal(d.created + d.updated + d.deleted, 0);
	store_delta_release(&d);
	assert_int_equal(store_generation(s), 1);

	t0 = now_ms();
	got = store_load(s);
	t_load = now_ms() - t0;
	assert_doc_same(got, doc);
	json_decref(got);

	printf("store: 10,000 objects: save into empty store %.1f ms,"
	       " unchanged save %.1f ms, load %.1f ms\n",
	       t_save, t_noop, t_load);
	if (!under_valgrind()) {
		assert_true(t_save < 1000.0);
		assert_true(t_noop < 1000.0);
	}
	store_close(s);
	json_decref(doc);
}

/* ---- Crash safety ---- */

#define CRASH_SAVES 1000
#define CRASH_ROUNDS 5

static void __attribute__((noreturn))
crash_child(const char *path)
{
	struct store *s;
	json_t *doc;
	int i, err;

	s = store_open(path, &err);
	if (s == NULL)
		_exit(2);
	for (i = 1; i <= CRASH_SAVES; i++) {
		doc = doc_prefix(i);
		if (store_save(s, doc, false, NULL) != 0)
			_exit(3);
		json_decref(doc);
	}
	store_close(s);
	_exit(0);
}

/* The stored networks are n1..nk in order, for some k; returns k. */
static int
crash_check(const char *path)
{
	struct store *s;
	json_t *got, *want;
	int k;

	assert_raw(path, "PRAGMA integrity_check", "ok");
	s = open_ok(path);
	got = store_load(s);
	assert_non_null(got);
	k = (int)json_array_size(json_object_get(got, "networks"));
	want = doc_prefix(k);
	assert_true(json_equal(json_object_get(got, "networks"),
			       json_object_get(want, "networks")));
	/* Every save added one network: the generation counts them. */
	assert_int_equal(store_generation(s), (uint64_t)k);
	json_decref(want);
	json_decref(got);

	/* And the store goes on from there. */
	want = doc_prefix(k + 1);
	save_ok(s, want, false, NULL);
	assert_int_equal(store_generation(s), (uint64_t)k + 1);
	json_decref(want);
	store_close(s);
	return k;
}

static void
test_crash(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 32];
	unsigned int seed;
	int round, status, k, delay_ms, killed = 0;
	pid_t pid;

	if (under_valgrind()) {
		skip();
		return;
	}
	seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	printf("store crash: seed %u\n", seed);
	for (round = 0; round < CRASH_ROUNDS; round++) {
		delay_ms = 5 + (int)(rand_r(&seed) % 196);
		snprintf(path, sizeof(path), "%s/crash%d.db", f->dir, round);
		fflush(stdout);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			crash_child(path);
		usleep((useconds_t)delay_ms * 1000);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status))
			assert_int_equal(WEXITSTATUS(status), 0);
		else
			killed++;
		k = crash_check(path);
		printf("store crash: round %d: SIGKILL after %d ms%s,"
		       " k = %d\n", round, delay_ms,
		       WIFSIGNALED(status) ? "" : " (too late: child done)",
		       k);
		assert_true(k >= 0 && k <= CRASH_SAVES);
	}
	/* At least one kill must land mid-run, or nothing was tested. */
	assert_true(killed > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update_one, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unchanged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_doc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_foreign, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refuse_text, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ten_thousand, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_crash, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
