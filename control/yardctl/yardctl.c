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
int
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
int
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

void
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
int
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
int
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

int
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

int
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

int
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
int
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
int
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
int
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

int
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

int
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

int
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

int
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

int
yc_cmd_capture(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	(void)cmd;
	return yc_capture(y, a->npos, a->pos);
}

int
yc_cmd_trace(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	(void)cmd;
	return yc_trace(y, a->npos, a->pos);
}

int
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

int
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
int
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
int
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

int
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
