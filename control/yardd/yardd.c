/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd: the Switchyard control daemon. Holds the desired state in SQLite,
 * serves it over JSON-RPC and keeps yard-dp programmed with it.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "hv.h"

#include "yardd.h"

#define DEFAULT_SOCKET "/run/yard/yardd.sock"
#define DEFAULT_DB "/var/lib/yard/yardd.db"
#define DEFAULT_DATAPLANE "/run/yard/dp.sock"
#define DEFAULT_VM_DIR "/var/lib/yard/vms"

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

void
yardd_log(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "yardd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
hv_log(void *ctx, const char *msg)
{
	(void)ctx;
	yardd_log("%s", msg);
}

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: yardd [OPTIONS]\n"
"\n"
"The Switchyard control daemon. It keeps the desired state of the switch\n"
"(networks, ports, routers, flows, VMs: topology schema v1) in an SQLite\n"
"database and programs yard-dp with it. Every change is validated whole,\n"
"committed in one transaction, then pushed. When yard-dp (re)starts,\n"
"yardd pushes what it lacks; when yardd restarts, a dataplane that holds\n"
"the right state receives nothing. yard-dp keeps forwarding while yardd\n"
"is down. Drive it with yardctl, or any JSON-RPC 2.0 client.\n"
"\n"
"Options:\n"
"  -s, --socket PATH     API socket for yardctl and scripts.\n"
"                        Default: " DEFAULT_SOCKET " (mode 0660, group\n"
"                        'yard' when it exists; other users are refused).\n"
"  -d, --db PATH         SQLite database of the desired state, created if\n"
"                        missing. Default: " DEFAULT_DB ".\n"
"  -p, --dataplane PATH  yard-dp's API socket. Default: " DEFAULT_DATAPLANE ".\n"
"                        yardd connects (and reconnects every 0.5 s) by\n"
"                        itself; it runs without a dataplane too.\n"
"  -m, --vm-dir DIR      State of each VM (QMP socket, pid file, console\n"
"                        log) in DIR/NAME. Default: " DEFAULT_VM_DIR ".\n"
"  -c, --config FILE    The host policy: what clients may make yardd and\n"
"                        yard-dp do as root (vhost socket directory, pcap\n"
"                        directories, host interfaces, phy drivers, VM image\n"
"                        directories, QEMU's user, connection limits).\n"
"                        Default: " POLICY_CONF_DEFAULT " (safe defaults when\n"
"                        missing; see README.md, Security).\n"
"  -a, --accel MODE      Accelerator of VMs that say 'auto': auto (KVM when\n"
"                        a probe boots a guest with it, checked once and\n"
"                        cached in the VM dir; else TCG), kvm or tcg.\n"
"                        Default: auto.\n"
"      --metrics ADDRESS:PORT\n"
"                        Serve Prometheus metrics (port and node counters,\n"
"                        drops by reason, FDB sizes, objects by status, VMs\n"
"                        by state) on http://ADDRESS:PORT/metrics. PORT\n"
"                        alone means 127.0.0.1:PORT; [::1]:PORT for IPv6.\n"
"                        Off by default.\n"
"      --metrics-public  Let --metrics listen on an address other than\n"
"                        loopback (refused otherwise: anyone who reaches it\n"
"                        reads the port names and the traffic counters).\n"
"  -h, --help            This text.\n"
"  -V, --version         Print the version.\n"
"\n"
"VMs: stored VMs run as long as yardd holds them: started once yard-dp\n"
"holds their vhost ports, started again if they die, stopped when deleted\n"
"(yardctl vm stop keeps one down). They outlive yardd: a restarted yardd\n"
"adopts the running QEMUs instead of starting them again.\n"
"\n"
"Signals: SIGINT and SIGTERM stop yardd (exit 0); yard-dp and VMs are not\n"
"touched.\n"
"Exit status: 0 after a clean stop, 1 when it cannot start.\n"
"\n"
"Example:\n"
"  yardd --db /var/lib/yard/yardd.db &\n"
"  yardctl apply -f lab.yaml\n"
"\n"
"More: yardd(8), yardctl(8); in the source tree docs/api.md (the methods\n"
"and object statuses) and docs/topology.md (the schema).\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "dataplane", required_argument, NULL, 'p' },
		{ "vm-dir", required_argument, NULL, 'm' },
		{ "accel", required_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "metrics-public", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct yardd d = {
		.db_path = DEFAULT_DB,
		.dp_path = DEFAULT_DATAPLANE,
		.vm_dir = DEFAULT_VM_DIR,
		.vm_accel = HV_ACCEL_AUTO,
	};
	const char *socket_path = DEFAULT_SOCKET, *config = NULL;
	const char *metrics = NULL;
	bool metrics_public = false;
	int metrics_fd = -1, metrics_ms = 100;
	static struct policy policy;
	char why[1024];
	int opt, rc, status = 1;

	while ((opt = getopt_long(argc, argv, "s:d:p:m:a:c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			socket_path = optarg;
			break;
		case 'd':
			d.db_path = optarg;
			break;
		case 'p':
			d.dp_path = optarg;
			break;
		case 'm':
			d.vm_dir = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'M':
			metrics = optarg;
			break;
		case 'P':
			metrics_public = true;
			break;
		case 'a':
			if (strcmp(optarg, "auto") == 0)
				d.vm_accel = HV_ACCEL_AUTO;
			else if (strcmp(optarg, "kvm") == 0)
				d.vm_accel = HV_ACCEL_KVM;
			else if (strcmp(optarg, "tcg") == 0)
				d.vm_accel = HV_ACCEL_TCG;
			else {
				fprintf(stderr, "yardd: --accel: '%s' is not auto, "
					"kvm or tcg\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("yardd %s\n", YARD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (metrics_public && metrics == NULL) {
		fprintf(stderr, "yardd: --metrics-public goes with --metrics "
			"ADDRESS:PORT\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "yardd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	if (policy_load(&policy, config ? config : POLICY_CONF_DEFAULT,
			config == NULL, why, sizeof(why)) < 0) {
		yardd_log("cannot read the policy: %s", why);
		return 1;
	}
	d.policy = &policy;
	/* Said once at start, and again by every VM that cannot start. */
	if (policy_qemu_user_check(&policy, why, sizeof(why)) < 0)
		yardd_log("warning: %s", why);

	/*
	 * QEMUs adopted after a restart are not our children; as a subreaper
	 * we still reap them when they exit, instead of leaving zombies.
	 */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	hv_log_set(hv_log, NULL);

	d.store = store_open(d.db_path, &rc);
	if (d.store == NULL) {
		yardd_log("cannot open the store %s: %s%s", d.db_path, strerror(-rc),
			  rc == -EPROTO ? " (not a yardd database?)" : "");
		return 1;
	}
	d.desired = store_load(d.store);
	d.errors = json_object();
	if (d.desired == NULL) {
		yardd_log("cannot read the store %s: %s", d.db_path,
			  store_errmsg(d.store));
		goto out;
	}
	rc = yardd_routes_open(&d);
	if (rc < 0) {
		yardd_log("cannot open the routes of the store %s: %s", d.db_path,
			  strerror(-rc));
		goto out;
	}
	d.srv = rpc_server_create(socket_path, &rc);
	if (d.srv == NULL) {
		yardd_log("cannot serve %s: %s", socket_path, strerror(-rc));
		goto out;
	}
	rpc_server_limits_set(d.srv, &(struct rpc_server_limits){
		.idle_ms = policy.idle_timeout * 1000,
		.per_uid = policy.max_per_uid,
	});
	if (yardd_api_register(&d) < 0 || yardd_vm_api_register(&d) < 0 ||
	    yardd_routes_api_register(&d) < 0)
		goto out;

	if (metrics != NULL) {
		metrics_fd = yardd_metrics_start(&d, metrics, metrics_public, why,
						 sizeof(why));
		if (metrics_fd < 0) {
			yardd_log("--metrics: %s", why);
			goto out;
		}
		yardd_log("metrics on http://%s/metrics", metrics);
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	yardd_log("%s: ready on %s, store %s (generation %llu), dataplane %s",
		  YARD_VERSION, socket_path, d.db_path,
		  (unsigned long long)store_generation(d.store), d.dp_path);

	while (!quit) {
		if (metrics_fd >= 0) {
			/* Scrapes are answered from this loop, between requests. */
			struct pollfd pfd[2] = {
				{ .fd = rpc_server_fd(d.srv), .events = POLLIN },
				{ .fd = metrics_fd, .events = POLLIN },
			};

			poll(pfd, 2, metrics_ms >= 0 && metrics_ms < 100 ?
				metrics_ms : 100);
			metrics_ms = yardd_metrics_run();
			rc = rpc_server_poll(d.srv, 0);
		} else {
			rc = rpc_server_poll(d.srv, 100);
		}
		if (rc < 0 && rc != -EINTR) {
			yardd_log("API server failed: %s", strerror(-rc));
			goto out;
		}
		yardd_dp_poll(&d);
		yardd_vms_tick(&d);
	}
	yardd_log("stopping");
	status = 0;
out:
	yardd_metrics_stop();
	yardd_vms_forget();
	rpc_server_free(d.srv);
	rpc_client_free(d.dp);
	json_decref(d.desired);
	json_decref(d.errors);
	yardd_routes_close(&d);
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++)
		json_decref(d.held[i]);
	store_close(d.store);
	return status;
}
