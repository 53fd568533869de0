/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's store: the desired state kept in one SQLite file.
 *
 * The store knows two things of the topology schema: its list of kinds
 * (TOPO_KINDS() in topology.h), whose plurals are the document's keys in
 * the order below, and that the desired state is a JSON document
 *
 *   {"networks": [obj...], "ports": [...], "routers": [...],
 *    "overlay": obj, "flows": [...], "vms": [...]}
 *
 * whose list objects each have a string "name" and whose overlay is a single
 * object without one. Objects arrive in canonical form (docs/api.md)
 * and are compared by their canonical text,
 * json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS); the store never looks
 * inside them otherwise. They are stored as compact text in the key order
 * they arrived in, so a load gives them back in schema order.
 *
 * File: schema version 1, two tables:
 *   meta(key TEXT PRIMARY KEY, value TEXT)   "schema_version" = "1",
 *                                            "generation" = decimal
 *   objects(kind TEXT NOT NULL, name TEXT NOT NULL, pos INTEGER NOT NULL,
 *           body TEXT NOT NULL, PRIMARY KEY(kind, name))
 * `kind` is the document key ("networks", ..., "overlay"; the overlay has
 * name ""), `pos` the object's index in its list. The SQLite header's
 * application_id is STORE_APPLICATION_ID, so a foreign database with tables
 * of the same names is still told apart. The journal is WAL with
 * synchronous=FULL: a committed save survives a crash or power loss, and a
 * save interrupted at any moment leaves the state before it.
 *
 * Threading: a struct store belongs to the thread that opened it; none of
 * the functions here are thread-safe. Several processes may open the same
 * file: SQLite serialises them, and a call that finds the file locked waits
 * up to STORE_BUSY_TIMEOUT_MS before failing with -EBUSY. Do not carry an
 * open store across fork(); open it in the child.
 *
 * Logging: none. Every failure is a return code, and store_errmsg() says
 * what went wrong.
 */
#ifndef YARD_CONTROL_STORE_H
#define YARD_CONTROL_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

/** The schema version this code writes and the newest it reads. */
#define STORE_SCHEMA_VERSION 1

/** SQLite header application_id of a Switchyard store: "YARD". */
#define STORE_APPLICATION_ID 0x59415244

/** How long a call waits for another process's lock on the file. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

/**
 * Open the store at `path`, creating it when the file is absent or empty.
 *
 * A new store gets its parent directories (mode 0750, less the umask), the
 * schema, schema_version 1 and generation 0. The connection is then set to
 * the WAL journal, synchronous=FULL and foreign_keys=ON.
 *
 * @param path
 *   The database file, e.g. "/var/lib/yard/yardd.db".
 * @param errp
 *   On failure, set to a negative errno (may be NULL):
 *   -EINVAL  `path` is NULL or empty;
 *   -EPROTO  the file is not a Switchyard store (a text file, a foreign
 *            SQLite database) or has a schema version newer than
 *            STORE_SCHEMA_VERSION; the file is left untouched;
 *   -EBUSY   another process held the file locked too long;
 *   -ENOMEM, or -errno of mkdir(), or -EIO for other SQLite failures.
 * @return
 *   The store, or NULL on failure.
 */
struct store *store_open(const char *path, int *errp);

/** Close the database and free. NULL-safe. */
void store_close(struct store *s);

/**
 * Read the whole document.
 *
 * @return
 *   A new reference to an object with the five list keys always present
 *   ("networks", "ports", "routers", "flows", "vms"; empty arrays when the
 *   kind has no objects), "overlay" only when one is stored, and objects in
 *   stored order. Keys appear in the order shown at the top of this file.
 *   NULL on failure (SQLite error or a stored body that is not a JSON
 *   object); store_errmsg() says why.
 */
json_t *store_load(struct store *s);

/**
 * The generation: 0 for a new store, incremented by every store_save() that
 * changed something. Read from the file by store_open(), store_load() and
 * store_save(); writes by another process show after one of those.
 */
uint64_t store_generation(const struct store *s);

/**
 * What a save changes. Names are "kind/name" with the singular kind
 * ("network/blue", "port/vm1-eth0", "router/r1", "flow/f1", "vm/vm1") and
 * "overlay" for the overlay; created and updated follow the document's
 * order, deleted the stored order, kinds in the order shown at the top of
 * this file. An object that only moved within its list counts as unchanged.
 */
struct store_delta {
	unsigned int created, updated, deleted, unchanged;
	json_t *created_names;	/**< Array of strings, owned by the delta. */
	json_t *updated_names;	/**< Array of strings, owned by the delta. */
	json_t *deleted_names;	/**< Array of strings, owned by the delta. */
};

/** Release the name arrays and zero the counts. NULL-safe. */
void store_delta_release(struct store_delta *d);

/**
 * Make the stored state equal `doc`, in one transaction that writes only the
 * rows that differ: new objects, objects whose canonical text changed,
 * objects that moved within their list (their position), and deletions. A
 * kind absent from `doc` (or an overlay that is null) means none of it, so
 * its stored objects are deleted. Objects within a kind are stored in the
 * order of `doc`. A save that changes nothing writes nothing and keeps the
 * generation; one that changes something increments it.
 *
 * `doc` is checked before anything is read or written: it must be an object
 * whose keys are among the six kinds; each list an array of objects with a
 * non-empty string "name", unique within the list; the overlay an object
 * or null.
 *
 * @param doc
 *   Borrowed.
 * @param dry_run
 *   Compute `delta` only; nothing is written.
 * @param delta
 *   May be NULL. Filled on success (release with store_delta_release());
 *   left zeroed, holding nothing, on failure.
 * @return
 *   0 on success, or:
 *   -EINVAL  `doc` is malformed (unknown kind, missing or duplicate name,
 *            wrong type); nothing was written;
 *   -EBUSY   another process held the file locked too long;
 *   -ENOMEM  out of memory;
 *   -EIO     SQLite failed (store_errmsg() gives its message).
 *   On any failure the transaction is rolled back: the file and the
 *   generation are as before the call.
 */
int store_save(struct store *s, const json_t *doc, bool dry_run,
	       struct store_delta *delta);

/**
 * Why the last store_load() or store_save() on `s` failed, for a person:
 * SQLite's message ("sqlite: database is locked") or what was wrong with the
 * document ("ports[3]: name 'p1' appears twice"). "" after a success. Valid
 * until the next call on `s`.
 */
const char *store_errmsg(const struct store *s);

#endif /* YARD_CONTROL_STORE_H */
