/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's VMs: the stored `vms` are kept running with the launcher of
 * hv-integration/. A VM starts once yard-dp holds its vhost ports (QEMU
 * waits for the switch to connect before it boots); a VM that dies is
 * started again after a back-off; `vm.stop` keeps one down until
 * `vm.start`, across yardd restarts (a file in its state directory says
 * so); a deleted VM is stopped. After a yardd restart the running QEMUs are
 * adopted through their pid files and QMP sockets, never started twice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hv.h"
#include "topology.h"
#include "rpc.h"
#include "yardd.h"
#include "yardd_api.h"

#define STATUS_EVERY_MS 2000
#define RESTART_BACKOFF_MS 5000
#define STOP_TIMEOUT_MS 10000
/*
 * QEMU answers once yard-dp has connected to its vhost-user sockets, which
 * takes about a second; if yard-dp went away meanwhile, do not hold the
 * daemon (and its API) for long.
 */
#define START_TIMEOUT_MS 15000
#define STOPPED_FILE "stopped"
/* The desired state's list of VMs. */
#define VMS_KEY (topo_kind_get(TOPO_KIND_VM)->plural)

struct vm_rt {
	char name[TOPO_NAME_MAX];
	struct hv_vm *vm;		/* NULL when not running. */
	bool seen;			/* Still desired (mark and sweep). */
	uint64_t next_try_ms;		/* Start again not before this. */
	unsigned int starts;
	char error[512];		/* Why the last start failed. */
};

static struct vm_rt *vms;
static size_t n_vms;
static uint64_t last_status_ms;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct vm_rt *
rt_find(const char *name)
{
	for (size_t i = 0; i < n_vms; i++)
		if (strcmp(vms[i].name, name) == 0)
			return &vms[i];
	return NULL;
}

static struct vm_rt *
rt_get(const char *name)
{
	struct vm_rt *rt = rt_find(name), *n;

	if (rt != NULL)
		return rt;
	n = realloc(vms, (n_vms + 1) * sizeof(*vms));
	if (n == NULL)
		return NULL;
	vms = n;
	rt = &vms[n_vms++];
	memset(rt, 0, sizeof(*rt));
	snprintf(rt->name, sizeof(rt->name), "%s", name);
	return rt;
}

static void
state_dir(const struct yardd *d, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", d->vm_dir, name);
}

static bool
marked_stopped(const struct yardd *d, const char *name)
{
	char path[512];

	state_dir(d, name, path, sizeof(path));
	strncat(path, "/" STOPPED_FILE, sizeof(path) - strlen(path) - 1);
	return access(path, F_OK) == 0;
}

static void
mark_stopped(const struct yardd *d, const char *name, bool stopped)
{
	char path[512];
	FILE *f;

	state_dir(d, name, path, sizeof(path));
	strncat(path, "/" STOPPED_FILE, sizeof(path) - strlen(path) - 1);
	rpc_parents_make(path, 0750);
	if (!stopped) {
		unlink(path);
		return;
	}
	f = fopen(path, "w");
	if (f != NULL)
		fclose(f);
}

/*
 * A deleted VM leaves nothing behind: its console logs, sockets, pid file
 * and stopped mark go, so that a new VM of that name starts afresh.
 */
static void
state_remove(const struct yardd *d, const char *name)
{
	char dir[512], path[1024];
	struct dirent *e;
	DIR *dh;

	state_dir(d, name, dir, sizeof(dir));
	dh = opendir(dir);
	if (dh == NULL)
		return;
	while ((e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(dh);
	if (rmdir(dir) < 0)
		yardd_log("vm %s: cannot remove %s: %s", name, dir, strerror(errno));
}

/* The stored object of VM or port `name`, or NULL. */
static json_t *
object_find(const struct yardd *d, const char *kind, const char *name)
{
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(d->desired, kind), i, o)
		if (strcmp(json_string_value(json_object_get(o, "name")) ?: "",
			   name) == 0)
			return o;
	return NULL;
}

static enum hv_accel
accel_of(const struct yardd *d, enum topo_accel a)
{
	if (a == TOPO_ACCEL_KVM)
		return HV_ACCEL_KVM;
	if (a == TOPO_ACCEL_TCG)
		return HV_ACCEL_TCG;
	return d->vm_accel;
}

/*
 * Queue pairs of a VM's NIC: one per yard-dp worker, so that each worker
 * polls one of them, but no more than the VM has CPUs to use them.
 */
static unsigned int
vm_nic_queues(const struct yardd *d, const struct topo_vm *tv)
{
	unsigned int q = d->dp_workers ? d->dp_workers : 1;

	if (tv->cpus != 0 && tv->cpus < q)
		q = tv->cpus;
	return q < HV_QUEUES_MAX ? q : HV_QUEUES_MAX;
}

/*
 * Start one VM: its NICs are the vhost ports named in `nics`, whose
 * sockets and MACs come from the ports' objects. Blocks until QEMU answers
 * (it waits for yard-dp to connect to each socket first).
 */
static int
vm_start(struct yardd *d, struct vm_rt *rt, const struct topo_vm *tv,
	 const struct topo *t)
{
	struct hv_nic nics[TOPO_VM_NICS_MAX] = { 0 };
	struct hv_vm_config cfg = { 0 };
	struct hv_error err = { { 0 } };
	char dir[512], cache[512];
	int rc;

	/* QEMU would fail on -runas with a message of its own: say it here. */
	rc = policy_qemu_user_check(d->policy, dir, sizeof(dir));
	if (rc < 0) {
		if (strcmp(rt->error, dir) != 0)	/* Once, not every retry. */
			yardd_log("vm %s: cannot start: %s", tv->name, dir);
		snprintf(rt->error, sizeof(rt->error), "%s", dir);
		return rc;
	}
	for (unsigned int i = 0; i < tv->n_nics; i++) {
		const struct topo_port *p = topo_port_find(t, tv->nics[i]);

		if (p == NULL)
			return -ENOENT;	/* The parser guarantees it exists. */
		nics[i].socket = p->socket;
		if (p->has_mac)
			memcpy(nics[i].mac, p->mac, 6);
		nics[i].queues = vm_nic_queues(d, tv);
		nics[i].qemu_client = p->vhost_server;
	}
	state_dir(d, tv->name, dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/accel.verdict", d->vm_dir);
	cfg.name = tv->name;
	cfg.state_dir = dir;
	cfg.cpus = tv->cpus;
	cfg.memory = tv->memory;
	cfg.accel = accel_of(d, tv->accel);
	cfg.accel_cache = cache;
	cfg.kernel = tv->kernel[0] ? tv->kernel : NULL;
	cfg.initrd = tv->initrd[0] ? tv->initrd : NULL;
	cfg.cmdline = tv->cmdline[0] ? tv->cmdline : NULL;
	cfg.disk = tv->disk[0] ? tv->disk : NULL;
	cfg.nics = nics;
	cfg.n_nics = tv->n_nics;
	cfg.start_timeout_ms = START_TIMEOUT_MS;
	cfg.runas = d->policy->qemu_user[0] ? d->policy->qemu_user : NULL;
	rpc_parents_make(dir, 0750);
	rt->starts++;
	rc = hv_vm_start(&cfg, &rt->vm, &err);
	if (rc < 0) {
		snprintf(rt->error, sizeof(rt->error), "%s", err.msg);
		yardd_log("vm %s: cannot start: %s", tv->name, err.msg);
		rt->vm = NULL;
		return rc;
	}
	rt->error[0] = '\0';
	yardd_log("vm %s: started (pid %d, %s)", tv->name, (int)hv_vm_pid(rt->vm),
		  hv_vm_accel(rt->vm) == HV_ACCEL_KVM ? "kvm" : "tcg");
	return 0;
}

static void
vm_stop(struct vm_rt *rt)
{
	struct hv_error err = { { 0 } };
	enum hv_stop_how how;

	if (rt->vm == NULL)
		return;
	if (hv_vm_stop(rt->vm, STOP_TIMEOUT_MS, &how, &err) < 0)
		yardd_log("vm %s: stop: %s", rt->name, err.msg);
	else
		yardd_log("vm %s: stopped (%s)", rt->name,
			  how == HV_STOP_POWERDOWN ? "guest powered off" :
			  how == HV_STOP_QUIT ? "QEMU quit" :
			  how == HV_STOP_KILL ? "killed" : "had exited");
	hv_vm_free(rt->vm);
	rt->vm = NULL;
}

/* Whether yard-dp holds every port of the VM (QEMU would wait otherwise). */
static bool
nics_ready(const struct yardd *d, const struct topo_vm *tv)
{
	const char *msg;

	if (d->dp == NULL)
		return false;
	for (unsigned int i = 0; i < tv->n_nics; i++)
		if (strcmp(yardd_object_status(d, topo_kind_get(TOPO_KIND_PORT),
					       tv->nics[i], &msg),
			   "programmed") != 0)
			return false;
	return true;
}

void
yardd_vms_sync(struct yardd *d)
{
	struct topo_error terr;
	struct topo *t;
	uint64_t now = now_ms();
	bool check = now - last_status_ms >= STATUS_EVERY_MS;

	if (json_array_size(json_object_get(d->desired, VMS_KEY)) == 0 &&
	    n_vms == 0)
		return;
	t = topo_parse_json(d->desired, "desired", &terr);
	if (t == NULL)
		return;
	if (check)
		last_status_ms = now;
	for (size_t i = 0; i < n_vms; i++)
		vms[i].seen = false;

	for (unsigned int i = 0; i < t->n_vms; i++) {
		const struct topo_vm *tv = &t->vms[i];
		struct vm_rt *rt = rt_get(tv->name);
		char dir[512];

		if (rt == NULL)
			break;
		rt->seen = true;
		state_dir(d, tv->name, dir, sizeof(dir));
		/* A QEMU of this VM may run already: a yardd restart. */
		if (rt->vm == NULL && rt->starts == 0 &&
		    hv_vm_adopt(tv->name, dir, 2000, &rt->vm, NULL) == 0)
			rt->starts = 1;	/* The library logs the adoption. */
		if (rt->vm != NULL && check) {
			enum hv_vm_state st;

			if (hv_vm_status(rt->vm, 1000, &st, NULL) == 0 &&
			    st == HV_VM_GONE) {
				yardd_log("vm %s: QEMU exited; starting it again "
					  "in %d s", tv->name, RESTART_BACKOFF_MS / 1000);
				hv_vm_free(rt->vm);
				rt->vm = NULL;
				rt->next_try_ms = now + RESTART_BACKOFF_MS;
			}
		}
		if (rt->vm == NULL && now >= rt->next_try_ms &&
		    !marked_stopped(d, tv->name) && nics_ready(d, tv)) {
			if (vm_start(d, rt, tv, t) < 0)
				rt->next_try_ms = now_ms() + RESTART_BACKOFF_MS;
		}
	}
	/* VMs no longer desired are stopped and forgotten. */
	for (size_t i = 0; i < n_vms;) {
		if (vms[i].seen) {
			i++;
			continue;
		}
		vm_stop(&vms[i]);
		state_remove(d, vms[i].name);
		vms[i] = vms[--n_vms];
	}
	topo_free(t);
}

void
yardd_vms_tick(struct yardd *d)
{
	static uint64_t last;
	uint64_t now = now_ms();

	/* A sync parses the whole desired state: not on every loop turn. */
	if (now - last < 1000)
		return;
	last = now;
	yardd_vms_sync(d);
}

void
yardd_vms_forget(void)
{
	/* yardd exits: VMs keep running, to be adopted by the next yardd. */
	for (size_t i = 0; i < n_vms; i++)
		hv_vm_free(vms[i].vm);
	free(vms);
	vms = NULL;
	n_vms = 0;
}

const char *
yardd_vm_status(const struct yardd *d, const char *name, const char **message)
{
	const struct vm_rt *rt = rt_find(name);

	*message = NULL;
	if (rt != NULL && rt->vm != NULL)
		return "running";
	if (marked_stopped(d, name))
		return "stopped";
	if (rt != NULL && rt->error[0] != '\0') {
		*message = rt->error;
		return "error";
	}
	return d->dp == NULL ? "unprogrammed" : "starting";
}

/* ---- Methods: vm.start, vm.stop, vm.log ---- */

static int
vm_name_arg(struct yardd *d, json_t *params, const char **name,
	    struct rpc_error *err)
{
	if (rpc_param_str(params, "name", name, err) < 0)
		return -EINVAL;
	if (object_find(d, VMS_KEY, *name) == NULL)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "params.name: no vm "
				     "called '%s'", *name);
	return 0;
}

static int
m_vm_start(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	struct vm_rt *rt;
	const char *name, *msg;

	if (vm_name_arg(d, params, &name, err) < 0)
		return -EINVAL;
	mark_stopped(d, name, false);
	rt = rt_get(name);
	if (rt != NULL) {
		rt->next_try_ms = 0;
		rt->error[0] = '\0';
	}
	yardd_vms_sync(d);
	*result = json_pack("{s:s, s:s}", "name", name, "status",
			    yardd_vm_status(d, name, &msg));
	if (msg != NULL)
		json_object_set_new(*result, "message", json_string(msg));
	return 0;
}

static int
m_vm_stop(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	struct vm_rt *rt;
	const char *name;

	if (vm_name_arg(d, params, &name, err) < 0)
		return -EINVAL;
	mark_stopped(d, name, true);
	rt = rt_find(name);
	if (rt != NULL)
		vm_stop(rt);
	*result = json_pack("{s:s, s:s}", "name", name, "status", "stopped");
	return 0;
}

static int
m_vm_log(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	long long offset = 0, max = 65536;
	char dir[512], *buf;
	const char *name;
	ssize_t n;

	if (vm_name_arg(d, params, &name, err) < 0 ||
	    rpc_param_int_opt(params, "offset", 0, INT64_MAX, &offset, err) < 0 ||
	    rpc_param_int_opt(params, "max", 1, 1 << 20, &max, err) < 0)
		return -EINVAL;
	state_dir(d, name, dir, sizeof(dir));
	buf = malloc((size_t)max);
	if (buf == NULL)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	n = hv_console_read(dir, (uint64_t)offset, buf, (size_t)max);
	if (n == -ERANGE) {
		/* The VM was started again: its console began anew. */
		offset = 0;
		n = hv_console_read(dir, 0, buf, (size_t)max);
	}
	if (n == -ENOENT)
		n = 0;
	if (n < 0) {
		free(buf);
		return rpc_error_set(err, RPC_ERR_FAILED, "vm %s: console: %s", name,
				     strerror((int)-n));
	}
	/* JSON strings are UTF-8; a console is mostly ASCII: mask the rest. */
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] >= 0x80 || buf[i] == '\0')
			buf[i] = '?';
	*result = json_pack("{s:s%, s:I}", "text", buf, (size_t)n, "offset",
			    (json_int_t)(offset + n));
	free(buf);
	return 0;
}

int
yardd_vm_api_register(struct yardd *d)
{
	int rc = 0;

	rc |= rpc_server_method_add(d->srv, YARDD_M_VM_START, m_vm_start, d);
	rc |= rpc_server_method_add(d->srv, YARDD_M_VM_STOP, m_vm_stop, d);
	rc |= rpc_server_method_add(d->srv, YARDD_M_VM_LOG, m_vm_log, d);
	return rc < 0 ? -ENOMEM : 0;
}
