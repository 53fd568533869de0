/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl: the command-line client of yardd (docs/api.md is the
 * contract). One command, one JSON-RPC request; the printing for people is
 * in yardctl_format.c, --json prints the method's result as it came.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "rpc.h"
#include "topology.h"
#include "yardctl_priv.h"
#include "yardd_api.h"
/* The bash completion script, generated from yardctl.bash-completion. */
#include "yardctl_completion.h"

#define YC_SOCKET_DEFAULT "/run/yard/yardd.sock"
#define YC_GLOBAL "yardctl [--socket PATH] [--json] "

struct yc {
	const char *socket;
	bool json;
	struct rpc_client *client;	/* Connected on the first request. */
};

/* Options a command takes besides the global ones. */
enum {
	YC_OPT_FILE = 1 << 0,
	YC_OPT_DRY_RUN = 1 << 1,
	YC_OPT_FORMAT = 1 << 2,
	YC_OPT_ALL = 1 << 3,
	YC_OPT_ROUTER = 1 << 4,
	YC_OPT_TOP = 1 << 5,
	/* The command parses its own options: they come in pos[]. */
	YC_OPT_RAW = 1 << 6,
};

struct yc_args {
	const char *file;
	const char *format;
	const char *router;
	const char *interval, *iterations;
	bool dry_run, all, batch, nodes;
	int npos;
	char **pos;
};

struct yc_cmd {
	const char *name;
	const char *synopsis;	/* One line, after "yardctl [global] ". */
	const char *brief;	/* One line: what it does. */
	const char *text;	/* The rest of its manual page. */
	unsigned int opts;
	int (*run)(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
};

static const struct yc_cmd yc_cmds[];

/* ---- Manual ---- */

static const char yc_man_head[] =
"NAME\n"
"    yardctl - configure and inspect Switchyard through its daemon, yardd\n"
"\n";

static const char yc_man_description[] =
"DESCRIPTION\n"
"    yardd holds Switchyard's desired state, one topology document (schema\n"
"    v1) of networks, ports, routers, flows and vms, in its SQLite store, and\n"
"    programs the dataplane, yard-dp, to match it. yardctl sends one JSON-RPC\n"
"    request per command to yardd's unix socket and prints the answer:\n"
"    aligned tables and text for people or, with --json, the method's result\n"
"    as JSON for scripts.\n"
"\n"
"    A change is validated whole before anything is stored: a request that\n"
"    fails changes nothing, and its error names the key at fault (and the\n"
"    line, for apply).\n"
"\n";

static const char yc_man_body[] =
"OPTIONS\n"
"    --socket PATH\n"
"        Talk to the yardd listening on PATH. Default: $YARD_SOCKET when it\n"
"        is set, else " YC_SOCKET_DEFAULT ".\n"
"    --json\n"
"        Print the result of yardd's method as JSON instead of tables or\n"
"        text. Errors still go to standard error as text.\n"
"    -h, --help\n"
"        Print this page; after a COMMAND, that command's page (also\n"
"        'yardctl help COMMAND').\n"
"    --version\n"
"        Print yardctl's version.\n"
"    Options may come before or after COMMAND; '--' ends them.\n"
"\n"
"KINDS\n"
"    networks, ports, routers, flows, vms; the singular (network, port,\n"
"    router, flow, vm) works as well. Their keys are those of topology\n"
"    schema v1.\n"
"\n"
"OBJECT STATUS\n"
"    programmed    yard-dp holds the object as desired.\n"
"    pending       Stored; the dataplane cannot do this kind yet.\n"
"    unprogrammed  Stored; yard-dp is not connected. It is pushed on connect.\n"
"    error         The last push failed; the message says why.\n"
"\n"
"EXAMPLES\n"
"    yardctl apply -f topology.yaml --dry-run\n"
"    yardctl apply -f topology.yaml\n"
"    yardctl list ports\n"
"    yardctl create network name=blue vni=1001\n"
"    yardctl update network name=blue mac_limit=4096\n"
"    yardctl get port vm1-eth0\n"
"    yardctl delete flow no-ssh\n"
"    yardctl export > backup.yaml\n"
"    yardctl stats drops\n"
"    yardctl neigh list --router r1\n"
"    yardctl --json list networks | jq -r '.[].object.name'\n"
"\n"
"EXIT STATUS\n"
"    0   Success.\n"
"    1   The request failed: yardd answered with an error (printed on\n"
"        standard error after 'yardctl: '), yardd could not be reached or\n"
"        sent an unusable answer, or a FILE could not be read.\n"
"    2   Usage error: unknown command or option, missing or extra argument.\n"
"    3   create or update stored the object, but it reads \"pending\": the\n"
"        dataplane cannot do it yet (e.g. a network's vni without an\n"
"        overlay module). Nothing changed in the dataplane.\n"
"    create and update exit 1 as well when the object ends in \"error\"\n"
"    (stored, but the dataplane refused it; the reason is printed). apply\n"
"    prints each object it created or updated that ends in \"error\" or\n"
"    \"pending\", and exits 1 when one is in error, 3 when all are pending.\n"
"\n"
"ENVIRONMENT\n"
"    YARD_SOCKET\n"
"        yardd's socket, when --socket is not given.\n"
"\n"
"FILES\n"
"    " YC_SOCKET_DEFAULT "\n"
"        yardd's default socket: mode 0660, group yard. Run yardctl as root\n"
"        or as a member of group yard.\n"
"\n"
"SEE ALSO\n"
"    yardd(8), yard-dp(8), yardctl(8) (man pages); tools/yard-rpc, to call\n"
"    any method by hand; in Switchyard's source tree, docs/api.md (the yardd\n"
"    methods) and docs/topology.md (every key of schema v1).\n";

static void
yc_synopsis(FILE *f, const char *indent)
{
	fprintf(f, "%syardctl [--socket PATH] [--json] COMMAND [ARGS]\n", indent);
	for (const struct yc_cmd *c = yc_cmds; c->name != NULL; c++) {
		fprintf(f, "%s  %s", indent, c->synopsis);
		if (strcmp(c->name, "list") == 0)
			fprintf(f, "%*sKIND: networks|ports|routers|flows|vms "
				"(singular accepted)", 34 - (int)strlen(c->synopsis),
				"");
		fputc('\n', f);
	}
}

static void
yc_man(void)
{
	fputs(yc_man_head, stdout);
	fputs("SYNOPSIS\n", stdout);
	yc_synopsis(stdout, "    ");
	putchar('\n');
	fputs(yc_man_description, stdout);
	fputs("COMMANDS\n", stdout);
	for (const struct yc_cmd *c = yc_cmds; c->name != NULL; c++)
		printf("    %s\n        %s\n", c->synopsis, c->brief);
	fputs("\n    'yardctl COMMAND --help' tells more about each.\n\n", stdout);
	fputs(yc_man_body, stdout);
}

static void
yc_cmd_man(const struct yc_cmd *c)
{
	printf("NAME\n    yardctl %s - %s\n\nSYNOPSIS\n    " YC_GLOBAL "%s\n\n%s"
	       "\nSee 'yardctl --help' for the global options, exit status and "
	       "environment.\n", c->name, c->brief, c->synopsis, c->text);
}

/* Message, short usage on stderr; returns YC_EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
static int
yc_usage(const struct yc_cmd *c, const char *fmt, ...)
{
	va_list ap;

	fputs("yardctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c != NULL) {
		fprintf(stderr, "Usage: " YC_GLOBAL "%s\n"
			"Try 'yardctl %s --help' for more information.\n",
			c->synopsis, c->name);
	} else {
		fputs("Usage: yardctl [--socket PATH] [--json] COMMAND [ARGS]\n"
		      "Commands:", stderr);
		for (c = yc_cmds; c->name != NULL; c++)
			fprintf(stderr, " %s", c->name);
		fputs("\nTry 'yardctl --help' for more information.\n", stderr);
	}
	return YC_EXIT_USAGE;
}

/* ---- Talking to yardd ---- */

static int
yc_connect(struct yc *y)
{
	int rc;

	y->client = rpc_client_connect(y->socket, &rc);
	if (y->client != NULL)
		return 0;
	fprintf(stderr, "yardctl: cannot connect to yardd at %s: %s\n",
		y->socket, rc == -ENAMETOOLONG ? "the path is too long" :
		rc == -EINVAL ? "the path is empty" : strerror(-rc));
	if (rc == -ENAMETOOLONG || rc == -EINVAL)
		return -1;
	if (rc == -EACCES || rc == -EPERM)
		fputs("yardctl: run yardctl as root or as a member of group "
		      "'yard'\n", stderr);
	else
		fputs("yardctl: is yardd running? Check 'systemctl status "
		      "yardd', or give its socket with --socket PATH (or "
		      "YARD_SOCKET)\n", stderr);
	return -1;
}

/*
 * Call `method` (params stolen); on failure say why on stderr. Returns 0
 * with *res set (a new reference), or -1.
 */
int
yc_call(struct yc *y, const char *method, json_t *params, json_t **res)
{
	struct rpc_error err = { 0 };
	int rc;

	if (y->client == NULL && yc_connect(y) < 0) {
		json_decref(params);
		return -1;
	}
	rc = rpc_client_call(y->client, method, params, res, &err);
	if (rc == 0)
		return 0;
	if (rc == -EREMOTEIO) {
		fprintf(stderr, "yardctl: %s\n", err.message);
		if (err.code == RPC_ERR_METHOD)
			fprintf(stderr, "yardctl: yardd at %s does not know "
				"'%s': is it older than yardctl?\n", y->socket,
				method);
		else if (err.code == RPC_ERR_REFUSED)
			fputs("yardctl: run yardctl as root or as a member of "
			      "group 'yard'\n", stderr);
	} else if (rc == -EPROTO) {
		fprintf(stderr, "yardctl: yardd at %s sent a malformed "
			"answer: %s\n", y->socket, err.message);
	} else {
		fprintf(stderr, "yardctl: yardd at %s: %s\n", y->socket,
			err.message);
	}
	/* People read the message; nothing here uses the data. */
	rpc_error_clear(&err);
	return -1;
}

/* yc_call() of the method `verb` of kind `k` ("port.get"). */
static int
yc_kind_call(struct yc *y, const struct topo_kind_info *k, const char *verb,
	     json_t *params, json_t **res)
{
	char method[64];

	if (yardd_kind_method(method, sizeof(method), k, verb) < 0) {
		json_decref(params);
		fprintf(stderr, "yardctl: no method %s.%s\n", k->singular, verb);
		return -1;
	}
	return yc_call(y, method, params, res);
}

static void
yc_json_print(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (s == NULL)
		yc_die_nomem();
	puts(s);
	free(s);
}

/* ---- Commands ---- */

/* Release a result; the exit status for a printer's return value. */
static int
yc_done(json_t *res, int rc)
{
	json_decref(res);
	return rc < 0 ? YC_EXIT_FAIL : YC_EXIT_OK;
}

static const struct topo_kind_info *
yc_kind_arg(const struct yc_cmd *cmd, const char *s)
{
	const struct topo_kind_info *k = yc_kind_parse(s);

	if (k == NULL)
		yc_usage(cmd, "unknown kind '%s': use networks, ports, routers, "
			 "flows or vms", s);
	return k;
}

/*
 * The exit status for an object's status after a change: a script must be
 * able to tell "done" from "failed" from "stored but not done".
 */
static int
yc_status_exit(const char *status)
{
	if (status != NULL && strcmp(status, "error") == 0)
		return YC_EXIT_FAIL;
	if (status != NULL && strcmp(status, "pending") == 0)
		return YC_EXIT_PENDING;
	return YC_EXIT_OK;
}

/* Whether `entries` ("port/p1", ...) holds kind `k`'s object `name`. */
static bool
yc_entry_has(json_t *entries, const struct topo_kind_info *k, const char *name)
{
	size_t len = strlen(k->singular), i;
	json_t *e;

	json_array_foreach(entries, i, e) {
		const char *s = json_string_value(e);

		if (s != NULL && strncmp(s, k->singular, len) == 0 &&
		    s[len] == '/' && strcmp(s + len + 1, name) == 0)
			return true;
	}
	return false;
}

/*
 * After an apply, how the objects it created or updated came out: those
 * that yard-dp refused ("error") or cannot do yet ("pending") are printed
 * on standard error. The exit status: 1 when one ended in error, 3 when
 * every one is pending (nothing happened in the dataplane), else 0.
 */
static int
yc_apply_outcome(struct yc *y, json_t *res)
{
	json_t *created = json_object_get(res, "created");
	json_t *updated = json_object_get(res, "updated");
	unsigned int n_changed = 0, n_error = 0, n_pending = 0;

	for (int i = 0; i < TOPO_KIND_MAX; i++) {
		const struct topo_kind_info *k = topo_kind_get(i);
		json_t *list, *e;
		size_t j;

		/* The overlay, one object, has no list: it is pending today. */
		if (k->single)
			continue;
		if (yc_kind_call(y, k, YARDD_VERB_LIST, NULL, &list) < 0)
			return YC_EXIT_FAIL;
		json_array_foreach(list, j, e) {
			const char *name = json_string_value(json_object_get(
				json_object_get(e, "object"), "name"));
			const char *status = json_string_value(
				json_object_get(e, "status"));
			const char *msg = json_string_value(
				json_object_get(e, "message"));

			if (name == NULL || status == NULL ||
			    (!yc_entry_has(created, k, name) &&
			     !yc_entry_has(updated, k, name)))
				continue;
			n_changed++;
			if (yc_status_exit(status) == YC_EXIT_OK)
				continue;
			if (yc_status_exit(status) == YC_EXIT_FAIL)
				n_error++;
			else
				n_pending++;
			fprintf(stderr, "yardctl: %s/%s: %s%s%s\n", k->singular,
				name, status, msg != NULL ? ": " : "",
				msg != NULL ? msg : "");
		}
		json_decref(list);
	}
	if (n_error > 0)
		return YC_EXIT_FAIL;
	return n_changed > 0 && n_pending == n_changed ? YC_EXIT_PENDING :
							 YC_EXIT_OK;
}

static int
yc_cmd_apply(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	json_t *params, *text, *res;
	size_t len;
	char *buf;
	int rc;

	if (a->file == NULL && a->npos == 1)
		return yc_usage(cmd, "the FILE goes after -f: yardctl apply -f %s",
				a->pos[0]);
	if (a->file == NULL)
		return yc_usage(cmd, "apply needs -f FILE ('-' for standard "
				"input)");
	if (a->npos > 0)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[0]);
	buf = yc_file_read(a->file, &len);
	if (buf == NULL)
		return YC_EXIT_FAIL;
	text = json_stringn(buf, len);
	free(buf);
	if (text == NULL) {
		fprintf(stderr, "yardctl: %s is not UTF-8 text\n", a->file);
		return YC_EXIT_FAIL;
	}
	/* The file's name makes yardd's errors read "lab.yaml:12: ...". */
	params = json_pack("{s:o, s:s}", "text", text, "name",
			   strcmp(a->file, "-") == 0 ? "<stdin>" : a->file);
	if (a->dry_run)
		json_object_set_new(params, "dry_run", json_true());
	if (yc_call(y, YARDD_M_APPLY, params, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json)
		yc_json_print(res);
	else if (yc_print_apply(res, a->dry_run) < 0)
		return yc_done(res, -1);
	rc = a->dry_run ? YC_EXIT_OK : yc_apply_outcome(y, res);
	json_decref(res);
	return rc;
}

static int
yc_cmd_export(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const char *format = a->format != NULL ? a->format : "yaml";
	json_t *res, *text;

	if (strcmp(format, "yaml") != 0 && strcmp(format, "json") != 0)
		return yc_usage(cmd, "unknown format '%s': use yaml or json",
				format);
	if (a->npos > 0)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[0]);
	if (yc_call(y, YARDD_M_EXPORT, json_pack("{s:s}", "format", format),
		    &res) < 0)
		return YC_EXIT_FAIL;
	text = json_object_get(res, "text");
	if (y->json) {
		yc_json_print(res);
	} else if (json_is_string(text)) {
		fwrite(json_string_value(text), 1, json_string_length(text),
		       stdout);
	} else {
		fputs("yardctl: unexpected answer from yardd: no \"text\" in "
		      "the result\n", stderr);
		return yc_done(res, -1);
	}
	return yc_done(res, 0);
}

static int
yc_cmd_list(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const struct topo_kind_info *k;
	json_t *res;

	if (a->npos != 1)
		return a->npos == 0 ? yc_usage(cmd, "which KIND? networks, "
					       "ports, routers, flows or vms") :
		       yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
	k = yc_kind_arg(cmd, a->pos[0]);
	if (k == NULL)
		return YC_EXIT_USAGE;
	if (yc_kind_call(y, k, YARDD_VERB_LIST, NULL, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	return yc_done(res, yc_print_list(k, res));
}

/* get and delete: KIND NAME. */
static int
yc_cmd_named(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	bool get = strcmp(cmd->name, "get") == 0;
	const struct topo_kind_info *k;
	json_t *res;

	if (a->npos != 2)
		return a->npos < 2 ? yc_usage(cmd, "%s needs KIND and NAME",
					      cmd->name) :
		       yc_usage(cmd, "unexpected argument '%s'", a->pos[2]);
	k = yc_kind_arg(cmd, a->pos[0]);
	if (k == NULL)
		return YC_EXIT_USAGE;
	if (yc_kind_call(y, k, get ? YARDD_VERB_GET : YARDD_VERB_DELETE,
			 json_pack("{s:s}", "name", a->pos[1]), &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	if (get)
		return yc_done(res, yc_print_get(k, res));
	printf("deleted %s/%s\n", k->singular, a->pos[1]);
	return yc_done(res, 0);
}

/* The KEY=VALUE pairs after KIND; YC_EXIT_USAGE when one is malformed. */
static int
yc_pairs(const struct yc_cmd *cmd, json_t *obj, struct yc_args *a)
{
	if (yc_pairs_apply(obj, a->npos - 1, a->pos + 1) == 0)
		return 0;
	fprintf(stderr, "Usage: " YC_GLOBAL "%s\n"
		"Try 'yardctl %s --help' for more information.\n",
		cmd->synopsis, cmd->name);
	return YC_EXIT_USAGE;
}

/*
 * The object that create or update sends, built from pairs. For update,
 * only the keys given change: the stored object is read first, since
 * KIND.update replaces a whole object. Returns an exit status.
 */
static int
yc_object_from_pairs(struct yc *y, const struct yc_cmd *cmd,
		     const struct topo_kind_info *k, struct yc_args *a,
		     json_t **objp)
{
	json_t *obj = json_object(), *name, *res;
	int rc;

	if (obj == NULL)
		yc_die_nomem();
	rc = yc_pairs(cmd, obj, a);
	name = json_object_get(obj, "name");
	if (rc == 0 && !json_is_string(name))
		rc = yc_usage(cmd, "name=NAME is missing");
	if (rc != 0 || strcmp(cmd->name, "update") != 0)
		goto out;
	if (yc_kind_call(y, k, YARDD_VERB_GET, json_pack("{s:O}", "name", name),
			 &res) < 0) {
		rc = YC_EXIT_FAIL;
		goto out;
	}
	json_decref(obj);
	obj = json_deep_copy(json_object_get(res, "object"));
	json_decref(res);
	if (!json_is_object(obj)) {
		fputs("yardctl: unexpected answer from yardd: no \"object\" in "
		      "the result\n", stderr);
		rc = YC_EXIT_FAIL;
		goto out;
	}
	rc = yc_pairs(cmd, obj, a);
out:
	if (rc != 0) {
		json_decref(obj);
		obj = NULL;
	}
	*objp = obj;
	return rc;
}

/* create and update: KIND, then -f FILE or KEY=VALUE pairs. */
static int
yc_cmd_write(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	bool update = strcmp(cmd->name, "update") == 0;
	const struct topo_kind_info *k;
	json_t *obj, *res, *status, *msg;
	int rc, exit_rc = YC_EXIT_OK;

	if (a->npos == 0)
		return yc_usage(cmd, "%s needs KIND, then -f FILE or "
				"KEY=VALUE...", cmd->name);
	k = yc_kind_arg(cmd, a->pos[0]);
	if (k == NULL)
		return YC_EXIT_USAGE;
	if (a->file != NULL && a->npos > 1)
		return yc_usage(cmd, "give -f FILE or KEY=VALUE pairs, not both");
	if (a->file == NULL && a->npos == 1)
		return yc_usage(cmd, "%s needs -f FILE or KEY=VALUE pairs",
				cmd->name);
	if (a->file != NULL) {
		obj = yc_object_from_file(k, a->file);
		if (obj == NULL)
			return YC_EXIT_FAIL;
	} else {
		rc = yc_object_from_pairs(y, cmd, k, a, &obj);
		if (rc != 0)
			return rc;
	}
	rc = yc_kind_call(y, k, update ? YARDD_VERB_UPDATE : YARDD_VERB_CREATE,
			  json_pack("{s:O}", "object", obj), &res);
	if (rc == 0) {
		status = json_object_get(res, "status");
		msg = json_object_get(res, "message");
		exit_rc = yc_status_exit(json_string_value(status));
	}
	if (rc == 0 && y->json) {
		yc_json_print(res);
	} else if (rc == 0) {
		printf("%sd %s/%s: %s%s%s\n", cmd->name, k->singular,
		       json_is_string(json_object_get(obj, "name")) ?
		       json_string_value(json_object_get(obj, "name")) : "?",
		       json_is_string(status) ? json_string_value(status) : "?",
		       json_is_string(msg) ? ": " : "",
		       json_is_string(msg) ? json_string_value(msg) : "");
	}
	json_decref(obj);
	json_decref(res);
	return rc < 0 ? YC_EXIT_FAIL : exit_rc;
}

static int
yc_cmd_stats(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const char *what = a->npos > 0 ? a->pos[0] : "";
	json_t *params = NULL, *res;
	const char *method;
	int max = 1, rc;

	if (strcmp(what, "ports") == 0) {
		method = YARDD_M_STATS_PORTS;
		max = 2;
	} else if (strcmp(what, "nodes") == 0) {
		method = YARDD_M_STATS_NODES;
	} else if (strcmp(what, "drops") == 0) {
		method = YARDD_M_STATS_DROPS;
	} else {
		return a->npos == 0 ? yc_usage(cmd, "which stats? ports, nodes "
					       "or drops") :
		       yc_usage(cmd, "unknown stats '%s': use ports, nodes or "
				"drops", what);
	}
	if (a->npos > max)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[max]);
	if (a->all && strcmp(what, "drops") != 0)
		return yc_usage(cmd, "--all goes with 'stats drops' only");
	if (a->npos == 2)
		params = json_pack("{s:s}", "name", a->pos[1]);
	if (yc_call(y, method, params, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	if (what[0] == 'p')
		rc = yc_print_stats_ports(res);
	else if (what[0] == 'n')
		rc = yc_print_stats_nodes(res);
	else
		rc = yc_print_stats_drops(res, a->all);
	return yc_done(res, rc);
}

static int
yc_top_fetch(void *ctx, const char *method, json_t **res)
{
	return yc_call(ctx, method, NULL, res);
}

static int
yc_cmd_top(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	struct yc_top_opts o = {
		.interval = 1, .batch = a->batch, .nodes = a->nodes,
		.json = y->json, .fetch = yc_top_fetch, .ctx = y,
	};
	char *end;

	if (a->npos > 0)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[0]);
	if (a->interval != NULL) {
		o.interval = strtod(a->interval, &end);
		if (*end != '\0' || end == a->interval || !(o.interval >= 0.1) ||
		    o.interval > 3600)
			return yc_usage(cmd, "-i: '%s' is not a number of seconds "
					"in 0.1..3600", a->interval);
	}
	if (a->iterations != NULL) {
		errno = 0;
		o.iterations = strtol(a->iterations, &end, 10);
		if (*end != '\0' || end == a->iterations || errno != 0 ||
		    o.iterations < 1)
			return yc_usage(cmd, "-n: '%s' is not a count of 1 or "
					"more", a->iterations);
	}
	return yc_top(&o);
}

static int
yc_cmd_fdb(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	json_t *params = NULL, *res;

	if (a->npos == 0 || strcmp(a->pos[0], "show") != 0)
		return a->npos == 0 ? yc_usage(cmd, "fdb needs 'show'") :
		       yc_usage(cmd, "unknown fdb command '%s': use 'show'",
				a->pos[0]);
	if (a->npos > 2)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[2]);
	if (a->npos == 2)
		params = json_pack("{s:s}", "network", a->pos[1]);
	if (yc_call(y, YARDD_M_FDB_LIST, params, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	return yc_done(res, yc_print_fdb(res));
}

/*
 * The read-only views of yard-dp that take one subcommand, no argument,
 * and print yardd's answer as a table: "COMMAND SUB".
 */
static const struct yc_view {
	const char *cmd;
	const char *sub;
	const char *method;
	int (*print)(json_t *res);
} yc_views[] = {
	{ "flow", "stats", YARDD_M_FLOW_STATS, yc_print_flow_stats },
	{ "neigh", "list", YARDD_M_NEIGH_LIST, yc_print_neigh },
	{ "router", "stats", YARDD_M_ROUTER_STATS, yc_print_router_stats },
	{ "vtep", "list", YARDD_M_VTEP_LIST, yc_print_vteps },
	{ NULL, NULL, NULL, NULL },
};

static int
yc_cmd_view(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const struct yc_view *v;
	json_t *params = NULL, *res;

	for (v = yc_views; v->cmd != NULL; v++)
		if (strcmp(v->cmd, cmd->name) == 0)
			break;
	if (v->cmd == NULL)
		return yc_usage(cmd, "no view for '%s'", cmd->name);
	if (a->npos == 0)
		return yc_usage(cmd, "%s needs '%s'", cmd->name, v->sub);
	if (strcmp(a->pos[0], v->sub) != 0)
		return yc_usage(cmd, "unknown %s command '%s': use '%s'",
				cmd->name, a->pos[0], v->sub);
	if (a->npos > 1)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
	if (a->router != NULL)
		params = json_pack("{s:s}", "router", a->router);
	if (yc_call(y, v->method, params, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	return yc_done(res, v->print(res));
}

/* ---- router list|show|stats and route list|get|add|del ---- */

/*
 * yardd's routers (the stored objects, with status and route count), each
 * with "fib": what yard-dp says of it (memory, rules, neighbors), or
 * without when yard-dp is away.
 */
static json_t *
yc_routers_merged(struct yc *y)
{
	json_t *mine, *fib = NULL, *out, *e, *f;
	size_t i, j;

	if (yc_call(y, "router.list", NULL, &mine) < 0)
		return NULL;
	if (y->client != NULL) {
		struct rpc_error err = { 0 };

		/* Not there while yard-dp is away: no error for that. */
		if (rpc_client_call(y->client, YARDD_M_ROUTER_FIB, NULL, &fib,
				    &err) < 0)
			fib = NULL;
		rpc_error_clear(&err);
	}
	out = json_array();
	json_array_foreach(mine, i, e) {
		json_t *o = json_deep_copy(json_object_get(e, "object"));
		const char *name = json_string_value(json_object_get(o, "name"));

		json_object_set(o, "status", json_object_get(e, "status"));
		if (json_object_get(e, "message") != NULL)
			json_object_set(o, "message", json_object_get(e, "message"));
		json_object_set(o, "route_count", json_object_get(e, "route_count"));
		json_object_set(o, "route_digest",
				json_object_get(e, "route_digest"));
		json_array_foreach(fib, j, f)
			if (name != NULL && json_is_string(json_object_get(f, "name")) &&
			    strcmp(json_string_value(json_object_get(f, "name")),
				   name) == 0) {
				json_object_set(o, "fib", f);
				json_object_del(f, "interfaces");
			}
		json_array_append_new(out, o);
	}
	json_decref(mine);
	json_decref(fib);
	return out;
}

static int
yc_cmd_router(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	json_t *all, *e;
	size_t i;
	int rc = YC_EXIT_OK;

	if (a->npos == 0)
		return yc_usage(cmd, "router needs list, show NAME or stats");
	if (strcmp(a->pos[0], "stats") == 0)
		return yc_cmd_view(y, cmd, a);
	if (strcmp(a->pos[0], "list") != 0 && strcmp(a->pos[0], "show") != 0)
		return yc_usage(cmd, "unknown router command '%s': use list, show "
				"or stats", a->pos[0]);
	if (strcmp(a->pos[0], "show") == 0 && a->npos != 2)
		return yc_usage(cmd, "router show needs one router's NAME");
	if (strcmp(a->pos[0], "list") == 0 && a->npos != 1)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
	all = yc_routers_merged(y);
	if (all == NULL)
		return YC_EXIT_FAIL;
	if (strcmp(a->pos[0], "list") == 0) {
		if (y->json)
			yc_json_print(all);
		else
			rc = yc_print_routers(all) < 0 ? YC_EXIT_FAIL : YC_EXIT_OK;
		json_decref(all);
		return rc;
	}
	e = NULL;
	for (i = 0; i < json_array_size(all) && e == NULL; i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(all, i),
							     "name")) ?: "",
			   a->pos[1]) == 0)
			e = json_array_get(all, i);
	if (e == NULL) {
		fprintf(stderr, "yardctl: no router called '%s' ('yardctl router "
			"list' shows those there are)\n", a->pos[1]);
		json_decref(all);
		return YC_EXIT_FAIL;
	}
	if (y->json)
		yc_json_print(e);
	else if (yc_print_router_show(e) < 0)
		rc = YC_EXIT_FAIL;
	json_decref(all);
	return rc;
}

/* "a.b.c.d,e.f.g.h" -> ["a.b.c.d", "e.f.g.h"] (checked by yardd). */
static json_t *
yc_via_list(const char *s)
{
	json_t *l = json_array();

	while (*s != '\0') {
		size_t n = strcspn(s, ",");

		json_array_append_new(l, json_stringn(s, n));
		s += n + (s[n] == ',');
	}
	return l;
}

#define YC_ROUTE_BATCH 50000	/* Routes per request: well inside 4 MiB. */

struct yc_route_totals {
	long long added, changed, unchanged, deleted, total;
	const char *status;
	char status_buf[32];
};

/* Send one batch of route.add (routes) or route.del (prefixes). */
static int
yc_route_send(struct yc *y, const char *router, bool add, json_t *list,
	      struct yc_route_totals *tot)
{
	json_t *res;

	if (yc_call(y, add ? YARDD_M_ROUTE_ADD : YARDD_M_ROUTE_DEL,
		    json_pack("{s:s, s:o}", "router", router,
			      add ? "routes" : "prefixes", list), &res) < 0)
		return -1;
	tot->added += json_integer_value(json_object_get(res, "added"));
	tot->changed += json_integer_value(json_object_get(res, "changed"));
	tot->unchanged += json_integer_value(json_object_get(res, "unchanged"));
	tot->deleted += json_integer_value(json_object_get(res, "deleted"));
	tot->total = json_integer_value(json_object_get(res, "total"));
	snprintf(tot->status_buf, sizeof(tot->status_buf), "%s",
		 json_string_value(json_object_get(res, "status")) ?: "-");
	tot->status = tot->status_buf;
	json_decref(res);
	return 0;
}

/*
 * route add|del ROUTER -f FILE: one route a line, "PREFIX [via] IP[,IP...]"
 * (add) or "PREFIX" (del); '#' starts a comment. Sent in batches.
 */
static int
yc_route_file(struct yc *y, const char *router, bool add, const char *path,
	      struct yc_route_totals *tot)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	json_t *batch = json_array();
	size_t cap = 0, lineno = 0, first = 1;
	char *line = NULL;
	int ret = 0;

	if (f == NULL) {
		fprintf(stderr, "yardctl: %s: %s\n", path, strerror(errno));
		json_decref(batch);
		return -1;
	}
	while (ret == 0 && getline(&line, &cap, f) >= 0) {
		char *tok[3] = { NULL }, *save = NULL, *p;
		int n = 0;

		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = strtok_r(line, " \t\r\n", &save); p != NULL && n < 3;
		     p = strtok_r(NULL, " \t\r\n", &save))
			if (!(n == 1 && strcmp(p, "via") == 0))
				tok[n++] = p;
		if (n == 0)
			continue;
		if ((add && n != 2) || (!add && n != 1)) {
			fprintf(stderr, "yardctl: %s:%zu: want '%s'\n", path, lineno,
				add ? "PREFIX via IP[,IP...]" : "PREFIX");
			ret = -1;
			break;
		}
		json_array_append_new(batch, add ?
			json_pack("{s:s, s:o}", "prefix", tok[0], "via",
				  yc_via_list(tok[1])) : json_string(tok[0]));
		if (json_array_size(batch) == YC_ROUTE_BATCH) {
			if (yc_route_send(y, router, add, batch, tot) < 0) {
				fprintf(stderr, "yardctl: %s: lines %zu-%zu were "
					"refused (those before are done)\n", path,
					first, lineno);
				ret = -1;
			}
			batch = json_array();
			first = lineno + 1;
		}
	}
	if (ret == 0 && json_array_size(batch) > 0) {
		if (yc_route_send(y, router, add, batch, tot) < 0) {
			fprintf(stderr, "yardctl: %s: lines %zu-%zu were refused "
				"(those before are done)\n", path, first, lineno);
			ret = -1;
		}
	} else {
		json_decref(batch);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

static int
yc_route_change(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a,
		bool add)
{
	struct yc_route_totals tot = { .status = "-" };
	const char *router;
	int ret;

	if (a->npos < 2)
		return yc_usage(cmd, "route %s needs a ROUTER", add ? "add" : "del");
	router = a->pos[1];
	if (a->file != NULL) {
		if (a->npos > 2)
			return yc_usage(cmd, "give routes either in -f FILE or on "
					"the command line");
		ret = yc_route_file(y, router, add, a->file, &tot);
	} else if (add) {
		if (a->npos != 5 || strcmp(a->pos[3], "via") != 0)
			return yc_usage(cmd, "want route add ROUTER PREFIX via "
					"IP[,IP...]");
		ret = yc_route_send(y, router, true, json_pack("[{s:s, s:o}]",
				    "prefix", a->pos[2], "via",
				    yc_via_list(a->pos[4])), &tot);
	} else {
		json_t *l = json_array();

		if (a->npos < 3)
			return yc_usage(cmd, "want route del ROUTER PREFIX...");
		for (int i = 2; i < a->npos; i++)
			json_array_append_new(l, json_string(a->pos[i]));
		ret = yc_route_send(y, router, false, l, &tot);
	}
	if (ret < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		json_t *o = json_pack("{s:s, s:I, s:s}", "router", router, "total",
				      (json_int_t)tot.total, "status", tot.status);

		if (add) {
			json_object_set_new(o, "added", json_integer(tot.added));
			json_object_set_new(o, "changed", json_integer(tot.changed));
			json_object_set_new(o, "unchanged",
					    json_integer(tot.unchanged));
		} else {
			json_object_set_new(o, "deleted", json_integer(tot.deleted));
		}
		yc_json_print(o);
		json_decref(o);
	} else if (add) {
		printf("router %s: %lld added, %lld changed, %lld unchanged; %lld "
		       "routes; %s\n", router, tot.added, tot.changed,
		       tot.unchanged, tot.total, tot.status);
	} else {
		printf("router %s: %lld deleted; %lld routes; %s\n", router,
		       tot.deleted, tot.total, tot.status);
	}
	return yc_status_exit(tot.status);
}

static int
yc_route_list(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	long long offset = 0, total;

	if (a->npos != 2)
		return yc_usage(cmd, "want route list ROUTER");
	if (y->json)
		fputs("[", stdout);
	do {
		json_t *res, *routes, *e;
		size_t i;

		if (yc_call(y, YARDD_M_ROUTE_LIST, json_pack("{s:s, s:I, s:I}",
			    "router", a->pos[1], "offset", (json_int_t)offset,
			    "limit", (json_int_t)YC_ROUTE_BATCH), &res) < 0) {
			if (y->json)
				fputs("]\n", stdout);
			return YC_EXIT_FAIL;
		}
		routes = json_object_get(res, "routes");
		total = json_integer_value(json_object_get(res, "total"));
		if (y->json) {
			json_array_foreach(routes, i, e) {
				char *t = json_dumps(e, JSON_COMPACT);

				if (t == NULL)
					yc_die_nomem();
				printf("%s\n  %s", offset + (long long)i ? "," : "", t);
				free(t);
			}
		} else {
			yc_print_routes(routes, offset == 0);
		}
		offset += (long long)json_array_size(routes);
		if (json_array_size(routes) == 0)
			offset = total;
		json_decref(res);
	} while (offset < total);
	if (y->json)
		fputs("\n]\n", stdout);
	return YC_EXIT_OK;
}

/* route get ROUTER IP [from SRC] [proto P] [sport N] [dport N] */
static int
yc_route_get(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	json_t *params, *res;
	int rc;

	if (a->npos < 3 || a->npos % 2 != 1)
		return yc_usage(cmd, "want route get ROUTER IP [from SRC] "
				"[proto tcp|udp|N] [sport N] [dport N]");
	params = json_pack("{s:s, s:s}", "router", a->pos[1], "ip", a->pos[2]);
	for (int i = 3; i + 1 < a->npos; i += 2) {
		const char *k = a->pos[i], *v = a->pos[i + 1];
		char *end;
		long n = strtol(v, &end, 10);

		if (strcmp(k, "from") == 0) {
			json_object_set_new(params, "src", json_string(v));
			continue;
		}
		if (strcmp(k, "proto") == 0 && strcmp(v, "tcp") == 0)
			n = 6, end = (char *)"";
		else if (strcmp(k, "proto") == 0 && strcmp(v, "udp") == 0)
			n = 17, end = (char *)"";
		else if (strcmp(k, "proto") == 0 && strcmp(v, "icmp") == 0)
			n = 1, end = (char *)"";
		if ((strcmp(k, "proto") != 0 && strcmp(k, "sport") != 0 &&
		     strcmp(k, "dport") != 0) || *v == '\0' || *end != '\0') {
			json_decref(params);
			return yc_usage(cmd, "'%s %s': want from SRC, proto "
					"tcp|udp|icmp|N, sport N or dport N", k, v);
		}
		json_object_set_new(params, k, json_integer(n));
	}
	if (json_object_get(params, "src") == NULL &&
	    json_object_size(params) > 2) {
		json_decref(params);
		return yc_usage(cmd, "proto, sport and dport need from SRC");
	}
	if (yc_call(y, YARDD_M_ROUTE_GET, params, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	rc = yc_print_route_get(res);
	return yc_done(res, rc);
}

static int
yc_cmd_route(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	if (a->npos == 0)
		return yc_usage(cmd, "route needs list, get, add or del");
	if (a->file != NULL && strcmp(a->pos[0], "add") != 0 &&
	    strcmp(a->pos[0], "del") != 0)
		return yc_usage(cmd, "-f goes with route add and route del");
	if (strcmp(a->pos[0], "list") == 0)
		return yc_route_list(y, cmd, a);
	if (strcmp(a->pos[0], "get") == 0)
		return yc_route_get(y, cmd, a);
	if (strcmp(a->pos[0], "add") == 0 || strcmp(a->pos[0], "del") == 0)
		return yc_route_change(y, cmd, a, a->pos[0][0] == 'a');
	return yc_usage(cmd, "unknown route command '%s': use list, get, add or "
			"del", a->pos[0]);
}

static int
yc_cmd_capture(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	(void)cmd;
	return yc_capture(y, a->npos, a->pos);
}

static int
yc_cmd_trace(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	(void)cmd;
	return yc_trace(y, a->npos, a->pos);
}

/*
 * flow list: the stored flows with their status, and the packets and bytes
 * yard-dp counted for each (left out when yard-dp is away or lacks it).
 */
static int
yc_flow_list(struct yc *y, json_t **out)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	struct rpc_error err = { 0 };
	json_t *list, *stats = NULL, *by_name = json_object(), *e;
	size_t i;

	if (yc_kind_call(y, k, YARDD_VERB_LIST, NULL, &list) < 0)
		return -1;
	/* Counters are a bonus: a list without them beats no list. */
	if (rpc_client_call(y->client, YARDD_M_FLOW_STATS, NULL, &stats,
			    &err) < 0)
		fprintf(stderr, "yardctl: no counters: %s\n", err.message);
	rpc_error_clear(&err);
	json_array_foreach(stats, i, e)
		if (json_is_string(json_object_get(e, "name")))
			json_object_set(by_name, json_string_value(
				json_object_get(e, "name")), e);
	json_array_foreach(list, i, e) {
		const char *name = json_string_value(json_object_get(
			json_object_get(e, "object"), "name"));
		json_t *c = json_object_get(by_name, name ?: "");

		if (c == NULL)
			continue;
		json_object_set(e, "packets", json_object_get(c, "packets"));
		json_object_set(e, "bytes", json_object_get(c, "bytes"));
	}
	json_decref(by_name);
	json_decref(stats);
	*out = list;
	return 0;
}

/* flow add|replace: -f FILE (one rule or many) or KEY=VALUE pairs. */
static int
yc_flow_write(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a,
	      bool add)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	unsigned int n_ok = 0, n_pending = 0, n_error = 0;
	json_t *objs, *obj, *res, *e;
	size_t i;
	int rc;

	if (a->file != NULL && a->npos > 1)
		return yc_usage(cmd, "give -f FILE or KEY=VALUE pairs, not both");
	if (a->file == NULL && a->npos == 1)
		return yc_usage(cmd, "flow %s needs -f FILE or KEY=VALUE pairs",
				a->pos[0]);
	if (a->file != NULL) {
		objs = yc_objects_from_file(k, a->file);
		if (objs == NULL)
			return YC_EXIT_FAIL;
	} else {
		rc = yc_object_from_pairs(y, cmd, k, a, &obj);
		if (rc != 0)
			return rc;
		objs = json_pack("[o]", obj);
	}
	if (yc_kind_call(y, k, add ? YARDD_VERB_CREATE : YARDD_VERB_UPDATE,
			 json_pack("{s:o}", "objects", objs), &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json)
		yc_json_print(res);
	json_array_foreach(res, i, e) {
		const char *status = json_string_value(json_object_get(e, "status"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		if (yc_status_exit(status) == YC_EXIT_OK) {
			n_ok++;
			continue;
		}
		if (yc_status_exit(status) == YC_EXIT_FAIL)
			n_error++;
		else
			n_pending++;
		fprintf(stderr, "yardctl: flow/%s: %s%s%s\n",
			json_string_value(json_object_get(e, "name")) ?: "?",
			status ?: "?", msg != NULL ? ": " : "", msg ?: "");
	}
	if (!y->json)
		printf("%s %zu flow%s: %u ok, %u pending, %u error\n",
		       add ? "added" : "replaced", json_array_size(res),
		       json_array_size(res) == 1 ? "" : "s", n_ok, n_pending,
		       n_error);
	rc = n_error > 0 ? YC_EXIT_FAIL : n_pending > 0 && n_ok == 0 ?
	     YC_EXIT_PENDING : YC_EXIT_OK;
	json_decref(res);
	return rc;
}

/* flow list|stats|add|replace|del. */
static int
yc_cmd_flow(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	const char *sub = a->npos > 0 ? a->pos[0] : "";
	json_t *res, *names;

	if (strcmp(sub, "add") == 0 || strcmp(sub, "replace") == 0)
		return yc_flow_write(y, cmd, a, sub[0] == 'a');
	if (a->file != NULL)
		return yc_usage(cmd, "-f goes with 'flow add' and 'flow replace'");
	if (strcmp(sub, "stats") == 0)
		return yc_cmd_view(y, cmd, a);
	if (strcmp(sub, "list") == 0) {
		if (a->npos > 1)
			return yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
		if (yc_flow_list(y, &res) < 0)
			return YC_EXIT_FAIL;
		if (y->json) {
			yc_json_print(res);
			return yc_done(res, 0);
		}
		return yc_done(res, yc_print_flow_list(res));
	}
	if (strcmp(sub, "del") == 0) {
		if (a->npos < 2)
			return yc_usage(cmd, "flow del needs the NAME of one flow "
					"or more");
		names = json_array();
		for (int i = 1; i < a->npos; i++)
			json_array_append_new(names, json_string(a->pos[i]));
		if (yc_kind_call(y, k, YARDD_VERB_DELETE,
				 json_pack("{s:o}", "names", names), &res) < 0)
			return YC_EXIT_FAIL;
		if (y->json)
			yc_json_print(res);
		else
			printf("deleted %d flow%s\n", a->npos - 1,
			       a->npos == 2 ? "" : "s");
		return yc_done(res, 0);
	}
	return a->npos == 0 ? yc_usage(cmd, "which? list, stats, add, replace "
				       "or del") :
	       yc_usage(cmd, "unknown flow command '%s': use list, stats, add, "
			"replace or del", sub);
}

static int
yc_cmd_status(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	json_t *res;

	if (a->npos > 0)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[0]);
	if (yc_call(y, YARDD_M_STATUS, NULL, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	return yc_done(res, yc_print_status(res, y->socket));
}

static int
yc_cmd_completion(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	if (a->npos != 1 || strcmp(a->pos[0], "bash") != 0)
		return yc_usage(cmd, a->npos == 0 ? "which shell? only bash is "
				"supported" : "only bash is supported");
	fputs(yardctl_completion, stdout);
	return YC_EXIT_OK;
}

static const struct yc_cmd *yc_cmd_find(const char *name);

/* Print a VM's console from `offset` on; returns the new offset, or -1. */
static long long
yc_vm_log_chunk(struct yc *y, const char *name, long long offset)
{
	json_t *res, *text, *off;

	for (;;) {
		if (yc_call(y, YARDD_M_VM_LOG, json_pack("{s:s, s:I}", "name", name,
						    "offset", (json_int_t)offset),
			    &res) < 0)
			return -1;
		text = json_object_get(res, "text");
		off = json_object_get(res, "offset");
		if (!json_is_string(text) || !json_is_integer(off)) {
			json_decref(res);
			fputs("yardctl: unexpected answer to vm.log\n", stderr);
			return -1;
		}
		fwrite(json_string_value(text), 1, json_string_length(text), stdout);
		offset = json_integer_value(off);
		if (json_string_length(text) == 0) {
			json_decref(res);
			fflush(stdout);
			return offset;
		}
		json_decref(res);
	}
}

/*
 * vm SUBCOMMAND NAME [...]: the VM verbs. create, delete and list are the
 * generic ones on kind vms; start, stop, log and console are the VM's own.
 */
static int
yc_cmd_vm(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const char *sub = a->npos > 0 ? a->pos[0] : "";
	char *argv[64], name_pair[80];
	struct yc_args b = *a;
	json_t *res;

	if (strcmp(sub, "list") == 0) {
		if (a->npos > 1)
			return yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
		argv[0] = (char *)topo_kind_get(TOPO_KIND_VM)->plural;
		b.pos = argv;
		b.npos = 1;
		return yc_cmd_list(y, yc_cmd_find("list"), &b);
	}
	if (a->npos < 2)
		return yc_usage(cmd, a->npos == 0 ? "which? create, start, stop, "
				"delete, list, console or log" :
				"vm %s needs the VM's NAME", sub);
	if (strcmp(sub, "create") == 0) {
		/* vm create NAME [KEY=VALUE...] is create vms name=NAME .... */
		if (a->npos + 1 > (int)(sizeof(argv) / sizeof(argv[0])))
			return yc_usage(cmd, "too many arguments");
		snprintf(name_pair, sizeof(name_pair), "name=%s", a->pos[1]);
		argv[0] = (char *)topo_kind_get(TOPO_KIND_VM)->plural;
		argv[1] = name_pair;
		for (int i = 2; i < a->npos; i++)
			argv[i] = a->pos[i];
		b.pos = argv;
		b.npos = a->file != NULL ? 1 : a->npos;
		return yc_cmd_write(y, yc_cmd_find("create"), &b);
	}
	if (a->npos > 2)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[2]);
	if (strcmp(sub, "delete") == 0) {
		argv[0] = (char *)topo_kind_get(TOPO_KIND_VM)->plural;
		argv[1] = a->pos[1];
		b.pos = argv;
		b.npos = 2;
		return yc_cmd_named(y, yc_cmd_find("delete"), &b);
	}
	if (strcmp(sub, "start") == 0 || strcmp(sub, "stop") == 0) {
		const char *method = strcmp(sub, "start") == 0 ?
				     YARDD_M_VM_START : YARDD_M_VM_STOP;

		if (yc_call(y, method, json_pack("{s:s}", "name", a->pos[1]),
			    &res) < 0)
			return YC_EXIT_FAIL;
		if (y->json)
			yc_json_print(res);
		else
			printf("vm %s: %s\n", a->pos[1], json_string_value(
				json_object_get(res, "status")) ?: "?");
		return yc_done(res, 0);
	}
	if (strcmp(sub, "log") == 0)
		return yc_vm_log_chunk(y, a->pos[1], 0) < 0 ? YC_EXIT_FAIL :
							       YC_EXIT_OK;
	if (strcmp(sub, "console") == 0) {
		long long off = 0;

		/* Follow the serial console until interrupted (Ctrl-C). */
		for (;;) {
			off = yc_vm_log_chunk(y, a->pos[1], off);
			if (off < 0)
				return YC_EXIT_FAIL;
			usleep(200 * 1000);
		}
	}
	return yc_usage(cmd, "unknown vm command '%s': use create, start, stop, "
			"delete, list, console or log", sub);
}

/*
 * port retry NAME | --all: yardd pushes failed ports again now. The exit
 * status follows their statuses, as after create: 1 when one is still in
 * error, 3 when every one is pending.
 */
static int
yc_cmd_port(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	unsigned int n_error = 0, n_pending = 0;
	json_t *params, *res, *e;
	size_t i, n;

	if (a->npos == 0 || strcmp(a->pos[0], "retry") != 0)
		return yc_usage(cmd, a->npos == 0 ? "which? retry" :
				"unknown port command '%s': use retry", a->pos[0]);
	if (a->npos > 2)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[2]);
	if ((a->npos == 2) == a->all)
		return yc_usage(cmd, a->all ? "give a NAME or --all, not both" :
				"port retry needs the port's NAME, or --all");
	params = a->all ? json_pack("{s:b}", "all", true) :
			  json_pack("{s:s}", "name", a->pos[1]);
	if (yc_call(y, YARDD_M_PORT_RETRY, params, &res) < 0)
		return YC_EXIT_FAIL;
	n = json_array_size(json_object_get(res, "ports"));
	json_array_foreach(json_object_get(res, "ports"), i, e) {
		const char *status = json_string_value(json_object_get(e, "status"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		int rc = yc_status_exit(status);

		n_error += rc == YC_EXIT_FAIL;
		n_pending += rc == YC_EXIT_PENDING;
		if (y->json)
			continue;
		printf("port %s: %s%s%s%s\n",
		       json_string_value(json_object_get(e, "name")) ?: "?",
		       status ?: "?", msg != NULL ? ": " : "", msg ?: "",
		       json_is_true(json_object_get(e, "retried")) ? "" :
		       " (it was not in error: nothing to retry)");
	}
	if (y->json)
		yc_json_print(res);
	else if (n == 0)
		puts("no port is in error: nothing to retry");
	json_decref(res);
	if (n_error > 0)
		return YC_EXIT_FAIL;
	return n > 0 && n_pending == n ? YC_EXIT_PENDING : YC_EXIT_OK;
}

static int
yc_cmd_help(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const struct yc_cmd *c;

	if (a->npos == 0) {
		yc_man();
		return YC_EXIT_OK;
	}
	c = yc_cmd_find(a->pos[0]);
	if (c == NULL || a->npos > 1)
		return c == NULL ? yc_usage(NULL, "unknown command '%s'",
					    a->pos[0]) :
		       yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
	yc_cmd_man(c);
	return YC_EXIT_OK;
}

#define YC_PAIRS_TEXT \
"KEY=VALUE PAIRS\n" \
"    KEY=VALUE    true and false become booleans and whole numbers become\n" \
"                 numbers, except for keys that hold names or paths (name,\n" \
"                 network, kind, mac, socket, ...); anything else, MACs and\n" \
"                 addresses included, is a string.\n" \
"    ips=A,B      ips, nics and addresses are lists: comma-separated.\n" \
"    trunk=NETWORK/VLAN,...\n" \
"                 A trunk port's VLANs: trunk=blue/100,red/200.\n" \
"    action=output:PORT\n" \
"                 Also mirror:PORT; allow and drop are written as they are.\n" \
"    KEY:=JSON    Any value as JSON, for nested keys: interfaces, routes,\n" \
"                 match. E.g. match:='{\"ip_proto\": \"tcp\", \"tp_dst\": 22}'\n" \
"    KEY=         An empty value leaves KEY unset (its default).\n"

static const struct yc_cmd yc_cmds[] = {
	{ "apply", "apply -f FILE [--dry-run]",
	  "make a topology document the whole desired state",
"DESCRIPTION\n"
"    FILE is a topology document (schema v1, YAML or JSON); '-' reads\n"
"    standard input. Objects new in FILE are created, those that differ are\n"
"    updated, and stored objects that FILE does not mention are deleted.\n"
"    yardd validates the whole document first: when it is invalid, nothing\n"
"    changes and yardd's error, which names the key and the line, is\n"
"    printed on standard error.\n"
"\n"
"    Prints a summary, then one line per change:\n"
"        created 1, updated 1, deleted 1, unchanged 12 (generation 8)\n"
"        + network/blue\n"
"        ~ port/vm1-eth0\n"
"        - flow/no-ssh\n"
"\n"
"OPTIONS\n"
"    -f, --file FILE   The document to apply ('-': standard input).\n"
"    --dry-run         Compute and print the changes (\"would create ...\")\n"
"                      without making them.\n"
"\n"
"EXAMPLES\n"
"    yardctl apply -f topology.yaml --dry-run\n"
"    yardctl apply -f topology.yaml\n"
"    yardctl export | yardctl apply -f -      # changes nothing\n",
	  YC_OPT_FILE | YC_OPT_DRY_RUN, yc_cmd_apply },
	{ "export", "export [--format yaml|json]",
	  "print the desired state as a topology document",
"DESCRIPTION\n"
"    Prints the stored document as it is, YAML unless --format json is\n"
"    given. Applying the output changes nothing, and exporting again prints\n"
"    the same bytes. With --json, prints yardd's result, {\"format\": F,\n"
"    \"text\": T}.\n"
"\n"
"OPTIONS\n"
"    --format yaml|json   The document's format (default: yaml).\n"
"\n"
"EXAMPLES\n"
"    yardctl export > topology.yaml\n"
"    yardctl export --format json\n",
	  YC_OPT_FORMAT, yc_cmd_export },
	{ "list", "list KIND",
	  "print the objects of one kind as a table",
"DESCRIPTION\n"
"    One row per object, in stored order. Values left at their default are\n"
"    shown with it (mac_limit 65536, ageing 300, security true for vhost\n"
"    ports, ...); '-' means not set. STATUS is the object's status,\n"
"    followed by its message when it has one (always for \"error\").\n"
"\n"
"    networks  NAME VNI MAC_LIMIT AGEING STATUS\n"
"    ports     NAME KIND NETWORK MAC IPS SECURITY STATUS\n"
"              (NETWORK of a trunk port: \"trunk: blue/100,red/200\")\n"
"    routers   NAME INTERFACES ROUTES STATUS\n"
"              (NETWORK:ADDRESS per interface; the routes' prefixes)\n"
"    flows     NAME PRIORITY NETWORK ACTION STATUS\n"
"    vms       NAME CPUS MEMORY NICS ACCEL STATUS\n"
"\n"
"    With --json, prints yardd's list: [{\"object\": {...}, \"status\": S,\n"
"    \"message\": M}, ...], objects in canonical form (defaults left out).\n"
"\n"
"EXAMPLES\n"
"    yardctl list networks\n"
"    yardctl --json list port\n",
	  0, yc_cmd_list },
	{ "get", "get KIND NAME",
	  "print one object and its status",
"DESCRIPTION\n"
"    Prints the object as YAML-like \"key: value\" lines in schema order,\n"
"    defaults filled in, then \"status:\" and, when there is one,\n"
"    \"message:\". With --json, prints yardd's result: {\"object\": {...},\n"
"    \"status\": S, \"message\": M}.\n"
"\n"
"EXAMPLES\n"
"    yardctl get network blue\n"
"    yardctl --json get port vm1-eth0\n",
	  0, yc_cmd_named },
	{ "create", "create KIND -f FILE | KEY=VALUE...",
	  "add one object",
"DESCRIPTION\n"
"    Adds one object of KIND; it is an error when one of that name exists.\n"
"    The object comes from FILE, written as it would appear in a topology\n"
"    document (YAML or JSON; '-' reads standard input; a document holding\n"
"    exactly one object of KIND, like \"networks: [{name: blue}]\", works\n"
"    too), or from KEY=VALUE pairs. Prints \"created KIND/NAME: STATUS\".\n"
"\n"
YC_PAIRS_TEXT
"\n"
"EXAMPLES\n"
"    yardctl create network name=blue vni=1001\n"
"    yardctl create port name=vm1-eth0 kind=vhost network=blue \\\n"
"        socket=/run/yard/vm1-eth0.sock mac=52:54:00:00:01:01 ips=10.0.1.11\n"
"    yardctl create port name=up1 kind=tap devargs=net_tap0,iface=yt0 \\\n"
"        trunk=blue/100,red/200\n"
"    yardctl create flow name=no-ssh priority=100 network=blue action=drop \\\n"
"        match:='{\"ip_proto\": \"tcp\", \"tp_dst\": 22}'\n"
"    yardctl create router -f r1.yaml\n",
	  YC_OPT_FILE, yc_cmd_write },
	{ "update", "update KIND -f FILE | KEY=VALUE...",
	  "change one object",
"DESCRIPTION\n"
"    With -f, FILE holds the whole new object (as for create), which\n"
"    replaces the stored one: keys it leaves out go back to their defaults.\n"
"    With KEY=VALUE pairs, name=NAME picks the object and only the keys\n"
"    given change: yardctl reads the object, sets the keys (KEY= removes\n"
"    one, bringing back its default) and sends the result. Prints\n"
"    \"updated KIND/NAME: STATUS\".\n"
"\n"
YC_PAIRS_TEXT
"\n"
"EXAMPLES\n"
"    yardctl update network name=blue mac_limit=4096\n"
"    yardctl update network name=blue vni=      # no VXLAN any more\n"
"    yardctl update port name=vm1-eth0 ips=10.0.1.11,10.0.1.12\n"
"    yardctl update router -f r1.yaml            # r1.yaml: the whole router\n",
	  YC_OPT_FILE, yc_cmd_write },
	{ "delete", "delete KIND NAME",
	  "remove one object",
"DESCRIPTION\n"
"    yardd refuses when other objects refer to it (a network that ports\n"
"    use, a port that a vm or a flow names): delete or change those first.\n"
"    Prints \"deleted KIND/NAME\".\n"
"\n"
"EXAMPLES\n"
"    yardctl delete flow no-ssh\n",
	  0, yc_cmd_named },
	{ "stats", "stats ports [NAME] | nodes | drops [--all]",
	  "print the dataplane's counters",
"DESCRIPTION\n"
"    Counters of yard-dp since it started, read through yardd; this fails\n"
"    while yard-dp is not connected.\n"
"\n"
"    ports    Per port: NAME RX_PKTS RX_BYTES TX_PKTS TX_BYTES DROPS TX_DROPS\n"
"             LINK. With NAME, that port only.\n"
"    nodes    Per graph node: NODE PACKETS CALLS PKTS/CALL CYCLES/PKT.\n"
"    drops    Dropped packets per reason: REASON COUNT. Reasons that\n"
"             dropped nothing are shown only with --all.\n"
"\n"
"OPTIONS\n"
"    --all    With drops: every reason, zeros included.\n"
"\n"
"EXAMPLES\n"
"    yardctl stats ports\n"
"    yardctl stats ports vm1-eth0\n"
"    yardctl stats drops --all\n",
	  YC_OPT_ALL, yc_cmd_stats },
	{ "top", "top [-i SECONDS] [-n COUNT] [--batch] [--nodes]",
	  "watch the ports' rates and drops, refreshed",
"DESCRIPTION\n"
"    Reads yard-dp's port counters (through yardd) every interval and shows\n"
"    what changed, per second, like vppctl show runtime or ovs-appctl\n"
"    dpif-netdev/pmd-perf-show:\n"
"\n"
"    PORT NETWORK RX_PPS RX_BIT/S TX_PPS TX_BIT/S DROPS/S TX_DROPS/S DROPS LINK\n"
"\n"
"    RX is what the port received, TX what it sent; DROPS/S are packets it\n"
"    received that the graph dropped (yardctl stats drops tells why),\n"
"    TX_DROPS/S packets for it that its queue refused; DROPS is the total\n"
"    since yard-dp started. Rates print with k, M, G (powers of 1000).\n"
"\n"
"    On a terminal the screen is redrawn in place until q or Ctrl-C, and the\n"
"    terminal is put back as it was. When the output is not a terminal, or\n"
"    with --batch, each screen is printed after the other (for logs and\n"
"    scripts). With --json, one JSON object per line: {\"time\", \"interval\",\n"
"    \"ports\": [{\"name\", \"rx_pps\", \"rx_bps\", \"tx_pps\", \"tx_bps\",\n"
"    \"drops_ps\", \"tx_drops_ps\", ...}], \"nodes\"}.\n"
"\n"
"OPTIONS\n"
"    -i, --interval SECONDS   Time between readings (0.1..3600, default 1).\n"
"    -n, --iterations COUNT   Stop after COUNT screens (default: until q).\n"
"    -b, --batch              Print screens one after another; no keys.\n"
"    --nodes                  Also the graph nodes: NODE PKTS/S PKTS/CALL\n"
"                             CYCLES/PKT, over the interval (what a node\n"
"                             costs now, not since the start).\n"
"\n"
"EXAMPLES\n"
"    yardctl top\n"
"    yardctl top --nodes -i 2\n"
"    yardctl top -b -n 5 > rates.log\n"
"    yardctl --json top -n 10 | jq '.ports[] | select(.name == \"vm1-eth0\")'\n",
	  YC_OPT_TOP, yc_cmd_top },
	{ "fdb", "fdb show [NETWORK]",
	  "print the MAC addresses the dataplane knows",
"DESCRIPTION\n"
"    Prints yard-dp's forwarding database: per network, each MAC address,\n"
"    the port behind it, whether it is static, and its age in seconds.\n"
"    Columns: NETWORK MAC PORT STATIC AGE. With NETWORK, that network\n"
"    only. Fails while yard-dp is not connected.\n"
"\n"
"EXAMPLES\n"
"    yardctl fdb show\n"
"    yardctl fdb show blue\n",
	  0, yc_cmd_fdb },
	{ "neigh", "neigh list [--router NAME]",
	  "print the neighbours (ARP entries) the routers have learned",
"DESCRIPTION\n"
"    Prints yard-dp's neighbour table: per router and network, each IPv4\n"
"    address the router has resolved, its MAC address, and the seconds since\n"
"    it was last confirmed. Columns: ROUTER NETWORK IP MAC AGE. Entries\n"
"    are learned from ARP and age out; none are configured. Fails while\n"
"    yard-dp is not connected.\n"
"\n"
"    With --json, prints yard-dp's list: [{\"router\": R, \"network\": N,\n"
"    \"ip\": IP, \"mac\": MAC, \"age\": SECONDS}, ...].\n"
"\n"
"OPTIONS\n"
"    --router NAME\n"
"        The neighbours of router NAME only. It is an error (exit 1) when\n"
"        yard-dp holds no router of that name.\n"
"\n"
"EXAMPLES\n"
"    yardctl neigh list\n"
"    yardctl neigh list --router r1\n",
	  YC_OPT_ROUTER, yc_cmd_view },
	{ "router", "router list | router show NAME | router stats",
	  "print the routers, one router, or their control-path counters",
"DESCRIPTION\n"
"    list\n"
"        One row per stored router: NAME INTERFACES ROUTES NEIGHBORS MEMORY\n"
"        STATUS. ROUTES counts its stored routes; NEIGHBORS and MEMORY (its\n"
"        FIB: the 64 MiB tbl24, tbl8 groups, rules) come from yard-dp and\n"
"        are \"-\" while yard-dp is away.\n"
"    show NAME\n"
"        One router: status; routes stored and in the dataplane, and\n"
"        whether the two sets are the same (compared by a digest); FIB\n"
"        rules, tbl8 groups used and allocated, memory; neighbours; its\n"
"        interfaces (NETWORK ADDRESS MAC).\n"
"    stats\n"
"        Counters of yard-dp's routing, summed over every router since\n"
"        yard-dp started, one per row: COUNTER VALUE. They are\n"
"        neigh_learned, neigh_updated, neigh_aged (neighbours added,\n"
"        changed, expired); neigh_queue_full (neighbour events the workers\n"
"        lost: the queue to the control thread was full); arp_requests\n"
"        (ARP requests the workers sent to resolve a next hop); held,\n"
"        released (packets held while their next hop was being resolved,\n"
"        and those sent once it was); icmp_sent, icmp_suppressed (ICMP\n"
"        replies and errors sent, and the errors the rate limit withheld).\n"
"        Fails while yard-dp is not connected.\n"
"\n"
"    With --json: list prints [{name, interfaces, status, route_count,\n"
"    fib?: {route_count, route_digest, rules, tbl8_groups, tbl8_capacity,\n"
"    neighbors, memory}}], show one such object, stats yard-dp's object of\n"
"    counters.\n"
"\n"
"EXAMPLES\n"
"    yardctl router list\n"
"    yardctl router show r1\n"
"    yardctl --json router show r1 | jq .fib.memory\n"
"    yardctl --json router stats | jq .icmp_sent\n",
	  0, yc_cmd_router },
	{ "route", "route list ROUTER | route get ROUTER IP [from SRC [proto P] "
	  "[sport N] [dport N]] | route add ROUTER (PREFIX via IP[,IP...] | -f "
	  "FILE) | route del ROUTER (PREFIX... | -f FILE)",
	  "list, look up, add and delete a router's static routes",
"DESCRIPTION\n"
"    Routes are data: yardd stores each one as a row and sends yard-dp\n"
"    only the routes a command changes, so one route added to a router\n"
"    holding 1,000,000 costs about as much as on an empty one.\n"
"\n"
"    list ROUTER\n"
"        The stored routes, sorted by prefix: PREFIX VIA.\n"
"    get ROUTER IP [from SRC [proto tcp|udp|icmp|N] [sport N] [dport N]]\n"
"        Looks IP up in yard-dp's FIB as a packet would be: the chosen\n"
"        prefix and its kind (static, connected, local), then each next\n"
"        hop (MEMBER VIA NETWORK NEIGHBOR MAC AGE) with its neighbour's\n"
"        state (reachable, static, incomplete, none). Given a flow (from\n"
"        SRC, and the protocol and ports for TCP and UDP), the member that\n"
"        flow takes is marked '*' (ECMP hashes the 5-tuple).\n"
"    add ROUTER PREFIX via IP[,IP...]\n"
"        Adds a route, or replaces the next hops of PREFIX. Several next\n"
"        hops make an ECMP route. Each must be on one of the router's\n"
"        interfaces' networks.\n"
"    add ROUTER -f FILE\n"
"        Adds the routes of FILE ('-': standard input), one a line:\n"
"        \"PREFIX via IP[,IP...]\" (\"via\" may be left out); '#' starts a\n"
"        comment. Sent in batches of 50,000; 1,000,000 lines are fine.\n"
"    del ROUTER PREFIX... | del ROUTER -f FILE\n"
"        Deletes routes (FILE: one PREFIX a line). It is an error when\n"
"        one of them is not a route of ROUTER; nothing of that batch is\n"
"        deleted then.\n"
"\n"
"    add and del print the counts (added, changed, unchanged or deleted),\n"
"    the router's route count and its status; they exit 1 when the\n"
"    router ends in \"error\". A router's routes also come and go with\n"
"    'yardctl apply' (a document sets every router's routes) and with\n"
"    'yardctl create|update router' when the object has \"routes\"; an\n"
"    update without \"routes\" keeps them. 'yardctl export' writes them.\n"
"\n"
"    With --json: list prints [{prefix, via}], get yard-dp's answer\n"
"    {ip, prefix, kind, via: [{ip, network, neighbor: {state, mac?,\n"
"    age?}}], member?}, add and del {router, total, status, added,\n"
"    changed, unchanged | deleted}.\n"
"\n"
"EXAMPLES\n"
"    yardctl route add r1 10.20.0.0/16 via 10.9.0.2\n"
"    yardctl route add r1 0.0.0.0/0 via 10.9.0.2,10.9.0.3\n"
"    yardctl route add r1 -f table.txt\n"
"    yardctl route get r1 10.20.1.1\n"
"    yardctl route get r1 10.20.1.1 from 10.0.0.5 proto tcp sport 40000 dport 80\n"
"    yardctl route del r1 10.20.0.0/16\n"
"    yardctl route list r1 | head\n",
	  YC_OPT_FILE, yc_cmd_route },
	{ "vtep", "vtep list",
	  "print the overlay's remote VTEPs and their traffic",
"DESCRIPTION\n"
"    Prints the remote VXLAN tunnel endpoints yard-dp knows from the\n"
"    overlay's peers, whether each one's underlay next hop is resolved\n"
"    (its MAC address known, so that packets to it can leave), and the\n"
"    packets and bytes received from and sent to it. Columns: VTEP\n"
"    RESOLVED RX_PKTS RX_BYTES TX_PKTS TX_BYTES INNER_MTU VNIS. VNIS are\n"
"    the stretched networks whose flood list has the VTEP (- for a VTEP\n"
"    met through learn_any_vtep); INNER_MTU is the largest IP packet\n"
"    those networks carry: the underlay port's MTU less the 50 bytes of\n"
"    VXLAN encapsulation. The list is empty without an overlay. Fails\n"
"    while yard-dp is not connected.\n"
"\n"
"    With --json, prints yard-dp's list: [{\"vtep\": IP, \"resolved\": B,\n"
"    \"rx_packets\": N, \"rx_bytes\": N, \"tx_packets\": N,\n"
"    \"tx_bytes\": N, \"inner_mtu\": N, \"vnis\": [VNI, ...]}, ...].\n"
"\n"
"EXAMPLES\n"
"    yardctl vtep list\n",
	  0, yc_cmd_view },
	{ "flow", "flow list|stats|add|replace|del [-f FILE] [KEY=VALUE...|NAME...]",
	  "program the flow table: list rules with their counters, add, replace, delete",
"DESCRIPTION\n"
"    Flow rules (topology schema v1, 'flows:') match frames at ingress and\n"
"    allow, drop, output or mirror them; docs/topology.md tells their keys.\n"
"    A change of many rules is one request to yardd, one transaction and\n"
"    one rebuild of yard-dp's table: add thousands at once with -f.\n"
"\n"
"    flow list\n"
"        The stored rules in stored order (between equal priorities the\n"
"        first one wins), with the packets and bytes yard-dp counted for\n"
"        each since it was programmed and their status. Columns: NAME\n"
"        PRIORITY NETWORK MATCH ACTION PACKETS BYTES STATUS; MATCH \"any\"\n"
"        matches every frame, ACTION is allow, drop, output:PORT or\n"
"        mirror:PORT, '-' is not set (or not counted: yard-dp is away or\n"
"        does not hold the rule, then STATUS says why).\n"
"    flow stats\n"
"        What yard-dp holds, in the order it matches: NAME PRIORITY ACTION\n"
"        PACKETS BYTES. Fails while yard-dp is not connected.\n"
"    flow add -f FILE | KEY=VALUE...\n"
"        Add rules: FILE holds one rule, a list of rules, or a document\n"
"        with only 'flows:' (YAML or JSON, '-' for standard input). All or\n"
"        none: a name that exists, or a rule that is invalid, refuses the\n"
"        whole request, and so does going past the dataplane's limit\n"
"        (yard-dp --flow-max-rules, 65536 by default), leaving the table as\n"
"        it was. Prints \"added N flows: N ok, P pending, E error\" and\n"
"        one line on standard error per rule that is not programmed.\n"
"    flow replace -f FILE | KEY=VALUE...\n"
"        Replace rules that exist, each whole, in its place; as add.\n"
"    flow del NAME...\n"
"        Delete rules, all or none (an unknown name refuses the request).\n"
"\n"
YC_PAIRS_TEXT
"\n"
"    With --json: flow list prints [{\"object\": {...}, \"status\": S,\n"
"    \"message\": M, \"packets\": N, \"bytes\": N}, ...]; flow stats\n"
"    yard-dp's list, each rule as in a document with \"packets\" and\n"
"    \"bytes\"; add and replace [{\"name\": N, \"status\": S,\n"
"    \"message\": M}, ...]; del null.\n"
"\n"
"    Exit status: as create (1 when a rule ends in \"error\", 3 when\n"
"    every one is \"pending\").\n"
"\n"
"EXAMPLES\n"
"    yardctl flow add name=no-ssh priority=100 network=blue \\\n"
"        match:='{\"ip_proto\": \"tcp\", \"tp_dst\": 22}' action=drop\n"
"    yardctl flow add -f acl.yaml\n"
"    yardctl flow replace name=no-ssh priority=200 action=drop\n"
"    yardctl flow list\n"
"    yardctl flow del no-ssh web-mirror\n"
"    yardctl --json flow list | jq '.[] | select(.packets > 0) | .object.name'\n",
	  YC_OPT_FILE, yc_cmd_flow },
	{ "port", "port retry NAME | --all",
	  "push a failed port to the dataplane again, now",
"DESCRIPTION\n"
"    A port that yard-dp refused (status \"error\") is pushed again after a\n"
"    back-off (1 s, doubling up to 60 s) or when it changes. When what made\n"
"    it fail is fixed outside Switchyard (a device freed, a NIC added with\n"
"    '-- -a ADDR'), retry pushes it at once and starts its back-off again.\n"
"    Prints \"port NAME: STATUS\" and the reason when it is still in error;\n"
"    a port not in error is left alone (\"nothing to retry\").\n"
"\n"
"OPTIONS\n"
"    --all    Every port in error.\n"
"\n"
"EXIT STATUS\n"
"    0 each port is programmed now (or was not in error), 1 one is still in\n"
"    error, the port does not exist or yard-dp is not connected, 3 every\n"
"    port retried is pending.\n"
"\n"
"EXAMPLES\n"
"    yardctl port retry up\n"
"    yardctl port retry --all\n",
	  YC_OPT_ALL, yc_cmd_port },
	{ "vm", "vm create|start|stop|delete|list|console|log [NAME] [KEY=VALUE...]",
	  "run the VMs: create, start, stop, delete, list, follow their console",
"DESCRIPTION\n"
"    vm create NAME KEY=VALUE... | -f FILE\n"
"        Store a VM (like 'create vms name=NAME ...'); yardd starts it once\n"
"        yard-dp holds its vhost ports. Keys: cpus, memory (256M, 1G),\n"
"        nics (vhost ports, comma-separated), accel (auto, kvm, tcg),\n"
"        kernel, initrd, cmdline, or disk.\n"
"    vm start NAME, vm stop NAME\n"
"        Start a stopped VM; stop one (guest power-off, then QEMU quit, then\n"
"        kill) and keep it down, across yardd restarts, until 'vm start'.\n"
"    vm delete NAME\n"
"        Stop the VM and forget it.\n"
"    vm list\n"
"        The VMs and their state: running, stopped, starting, error\n"
"        (with why), unprogrammed (yard-dp is away).\n"
"    vm log NAME\n"
"        Print the serial console's output so far and exit.\n"
"    vm console NAME\n"
"        Follow the serial console until Ctrl-C. It is read-only; to type\n"
"        into the guest, connect to VM_DIR/NAME/console.sock (socat).\n"
"\n"
"EXAMPLES\n"
"    yardctl vm create vm1 nics=vm1-eth0 kernel=/var/lib/yard/guest/vmlinux \\\n"
"        initrd=/var/lib/yard/guest/initramfs.cpio.gz cmdline='yard.ip=10.0.1.11/24'\n"
"    yardctl vm list\n"
"    yardctl vm console vm1\n",
	  YC_OPT_FILE, yc_cmd_vm },
	{ "capture", "capture [PORT] [--rx|--tx|--both|--drops] [--filter BPF] "
	  "[-c N] [--duration S] -w FILE|-",
	  "write what a port receives and sends, or what the dataplane drops, as pcapng",
"DESCRIPTION\n"
"    Copies the frames port PORT receives (--rx), sends (--tx) or both (the\n"
"    default), or with --drops the frames the dataplane drops (of PORT only\n"
"    when given), into a pcapng file that tshark and Wireshark read: one\n"
"    interface per port and direction (\"p1:rx\", \"p1:tx\", \"p1:drop\"),\n"
"    nanosecond timestamps, and for each dropped frame a packet comment\n"
"    naming the node that dropped it and the reason (\"dropped by\n"
"    eth-input: unknown-vlan\"; tshark -T fields -e frame.comment).\n"
"\n"
"    The workers copy matching frames into a bounded ring: when it is full\n"
"    the copy is lost (counted, and said at the end), never the frame. The\n"
"    capture runs until COUNT packets, S seconds, or Ctrl-C. It works on\n"
"    every kind of port, with or without hugepages; dpdk-dumpcap is the\n"
"    other way in when yard-dp runs on hugepages (see the README).\n"
"\n"
"OPTIONS\n"
"    -w FILE|-          Write to FILE, or to standard output with '-'.\n"
"    --rx, --tx, --both Which way of PORT (default: both).\n"
"    --drops            Dropped frames instead, each with its reason.\n"
"    --reason NAME      With --drops: of this reason only (yardctl stats\n"
"                       drops --all lists them).\n"
"    --network N        With --drops: of frames of network N only.\n"
"    --filter BPF       A libpcap (tcpdump) filter expression, run in the\n"
"                       dataplane's workers; one that does not compile is\n"
"                       refused with libpcap's message.\n"
"    -c, --count COUNT  Stop after COUNT packets.\n"
"    --duration S       Stop after S seconds.\n"
"    --ring N           Records each worker may queue (power of 2, 16 to\n"
"                       65536; default 1024).\n"
"\n"
"EXAMPLES\n"
"    yardctl capture vm1-eth0 -w - | tshark -r -\n"
"    yardctl capture uplink --rx --filter 'udp port 4789' -c 100 -w vx.pcapng\n"
"    yardctl capture --drops --reason unknown-vlan --duration 10 -w drops.pcapng\n",
	  YC_OPT_RAW, yc_cmd_capture },
	{ "trace", "trace [PORT] [-c N] [--filter BPF] [--duration S]",
	  "follow the next packets through the live dataplane, node by node",
"DESCRIPTION\n"
"    Marks the next N packets (10 by default) that enter port PORT (any\n"
"    port when none is given) and match the filter, and prints one line for\n"
"    each as it leaves the dataplane: its length, MACs and VLAN as\n"
"    received, every node it went through with what the node decided\n"
"    (network, FDB hit and port, flood), and where it went: out of a port,\n"
"    or dropped by a node for a reason. A flooded frame prints one line per\n"
"    port it left by. The same lines as yard-replay --trace:\n"
"\n"
"    #1 in=h1 len=98 02:00:00:00:c1:01 > 46:2e:e5:8b:32:b0 vlan=-: port-rx\n"
"       > eth-input (network blue) > l2-input (fdb-hit h2) > port-tx => out h2\n"
"\n"
"    Tracing costs nothing while no trace runs; while one does, every node\n"
"    records the path of every packet. Stops after N packets, S seconds or\n"
"    Ctrl-C.\n"
"\n"
"OPTIONS\n"
"    -c, --count N   Packets to follow (1 to 10000; default 10).\n"
"    --filter BPF    Only packets that match a libpcap (tcpdump) filter.\n"
"    --duration S    Give up after S seconds.\n"
"\n"
"EXAMPLES\n"
"    yardctl trace vm1-eth0 -c 3 --filter icmp\n",
	  YC_OPT_RAW, yc_cmd_trace },
	{ "status", "status",
	  "print the state of yardd, its store and the dataplane link",
"DESCRIPTION\n"
"    Prints yardd's version and socket, its store (path, generation, object\n"
"    count) and whether yard-dp is connected, with its resync count.\n",
	  0, yc_cmd_status },
	{ "completion", "completion bash",
	  "print the bash completion script",
"DESCRIPTION\n"
"    Completes commands, kinds, options, keys, and the names of objects,\n"
"    which it asks yardd for (yardctl --json list KIND). Packages install\n"
"    it as /usr/share/bash-completion/completions/yardctl; otherwise load\n"
"    it in the current shell with:\n"
"        source <(yardctl completion bash)\n",
	  0, yc_cmd_completion },
	{ "help", "help [COMMAND]",
	  "print the manual, or one command's page",
"DESCRIPTION\n"
"    The same as 'yardctl --help' and 'yardctl COMMAND --help'.\n",
	  0, yc_cmd_help },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

static const struct yc_cmd *
yc_cmd_find(const char *name)
{
	for (const struct yc_cmd *c = yc_cmds; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* ---- Command line ---- */

/*
 * "--name VALUE" or "--name=VALUE" (and "-f VALUE", "-fVALUE" for short
 * ones). Returns 1 when argv[*i] is that option, with *val set and *i moved
 * past its value; 0 when it is not; -1 when its value is missing.
 */
static int
yc_opt_value(int argc, char **argv, int *i, const char *lng, const char *shrt,
	     const char **val)
{
	const char *arg = argv[*i];
	size_t n = strlen(lng);

	if (strncmp(arg, lng, n) == 0 && arg[n] == '=') {
		*val = arg + n + 1;
		return 1;
	}
	if (shrt != NULL && strncmp(arg, shrt, 2) == 0 && arg[2] != '\0') {
		*val = arg + 2;
		return 1;
	}
	if (strcmp(arg, lng) != 0 && (shrt == NULL || strcmp(arg, shrt) != 0))
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

enum { YC_ARG_DONE, YC_ARG_HELP, YC_ARG_VERSION, YC_ARG_BAD };

/*
 * Sort argv[from..) into global options, the options `cmd` takes (none when
 * cmd is NULL: then parsing stops at the first word, the command) and
 * positional arguments.
 */
static int
yc_args_parse(struct yc *y, const struct yc_cmd *cmd, int argc, char **argv,
	      int *from, struct yc_args *a)
{
	unsigned int opts = cmd != NULL ? cmd->opts : 0;
	const char *val, *msg = NULL;
	bool dashdash = false;
	int i, rc;

	for (i = *from; i < argc; i++) {
		const char *arg = argv[i];

		if (dashdash || arg[0] != '-' || strcmp(arg, "-") == 0 ||
		    ((opts & YC_OPT_RAW) && strcmp(arg, "--json") != 0 &&
		     strcmp(arg, "--help") != 0 && strcmp(arg, "-h") != 0 &&
		     strncmp(arg, "--socket", 8) != 0)) {
			if (cmd == NULL)
				break;
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			dashdash = true;
			if (cmd == NULL) {
				i++;
				break;
			}
		} else if (strcmp(arg, "--json") == 0) {
			y->json = true;
		} else if (strcmp(arg, "--help") == 0 ||
			   strcmp(arg, "-h") == 0) {
			return YC_ARG_HELP;
		} else if (cmd == NULL && strcmp(arg, "--version") == 0) {
			return YC_ARG_VERSION;
		} else if ((rc = yc_opt_value(argc, argv, &i, "--socket", NULL,
					      &y->socket)) != 0) {
			if (rc < 0)
				msg = "--socket needs a PATH";
		} else if ((opts & YC_OPT_FILE) &&
			   (rc = yc_opt_value(argc, argv, &i, "--file", "-f",
					      &val)) != 0) {
			if (rc < 0)
				msg = "-f needs a FILE ('-' for standard input)";
			else if (a->file != NULL)
				msg = "-f is given twice";
			else
				a->file = val;
		} else if ((opts & YC_OPT_FORMAT) &&
			   (rc = yc_opt_value(argc, argv, &i, "--format", NULL,
					      &a->format)) != 0) {
			if (rc < 0)
				msg = "--format needs yaml or json";
		} else if ((opts & YC_OPT_ROUTER) &&
			   (rc = yc_opt_value(argc, argv, &i, "--router", NULL,
					      &a->router)) != 0) {
			if (rc < 0)
				msg = "--router needs a router's NAME";
		} else if ((opts & YC_OPT_TOP) &&
			   (rc = yc_opt_value(argc, argv, &i, "--interval", "-i",
					      &a->interval)) != 0) {
			if (rc < 0)
				msg = "-i needs SECONDS";
		} else if ((opts & YC_OPT_TOP) &&
			   (rc = yc_opt_value(argc, argv, &i, "--iterations",
					      "-n", &a->iterations)) != 0) {
			if (rc < 0)
				msg = "-n needs a count";
		} else if ((opts & YC_OPT_TOP) && (strcmp(arg, "--batch") == 0 ||
						   strcmp(arg, "-b") == 0)) {
			a->batch = true;
		} else if ((opts & YC_OPT_TOP) && strcmp(arg, "--nodes") == 0) {
			a->nodes = true;
		} else if ((opts & YC_OPT_DRY_RUN) &&
			   strcmp(arg, "--dry-run") == 0) {
			a->dry_run = true;
		} else if ((opts & YC_OPT_ALL) && strcmp(arg, "--all") == 0) {
			a->all = true;
		} else {
			yc_usage(cmd, "unknown option '%s'", arg);
			return YC_ARG_BAD;
		}
		if (msg != NULL) {
			yc_usage(cmd, "%s", msg);
			return YC_ARG_BAD;
		}
	}
	*from = i;
	return YC_ARG_DONE;
}

static int
yc_main(struct yc *y, int argc, char **argv, struct yc_args *a)
{
	const struct yc_cmd *cmd;
	int i = 1, rc;

	rc = yc_args_parse(y, NULL, argc, argv, &i, a);
	if (rc == YC_ARG_HELP) {
		yc_man();
		return YC_EXIT_OK;
	}
	if (rc == YC_ARG_VERSION) {
		printf("yardctl %s\n", YARD_VERSION);
		return YC_EXIT_OK;
	}
	if (rc == YC_ARG_BAD)
		return YC_EXIT_USAGE;
	if (i >= argc)
		return yc_usage(NULL, "no command given");
	cmd = yc_cmd_find(argv[i]);
	if (cmd == NULL)
		return yc_usage(NULL, "unknown command '%s'", argv[i]);
	i++;
	rc = yc_args_parse(y, cmd, argc, argv, &i, a);
	if (rc == YC_ARG_HELP) {
		yc_cmd_man(cmd);
		return YC_EXIT_OK;
	}
	if (rc == YC_ARG_BAD)
		return YC_EXIT_USAGE;
	return cmd->run(y, cmd, a);
}

int
main(int argc, char **argv)
{
	struct yc y = { .socket = getenv("YARD_SOCKET") };
	struct yc_args a = { 0 };
	int rc;

	if (y.socket == NULL || y.socket[0] == '\0')
		y.socket = YC_SOCKET_DEFAULT;
	a.pos = calloc((size_t)argc + 1, sizeof(*a.pos));
	if (a.pos == NULL)
		yc_die_nomem();
	rc = yc_main(&y, argc, argv, &a);
	rpc_client_free(y.client);
	free(a.pos);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "yardctl: cannot write the output: %s\n",
			strerror(errno));
		rc = YC_EXIT_FAIL;
	}
	return rc;
}
