/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yard-dp: the dataplane process. Starts the EAL, the workers and the API
 * socket, applies a topology when given one, and runs the control loop:
 * API requests, learning, ageing, the clock.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_hash_crc.h>
#include <rte_pdump.h>

#include "dataplane.h"
#include "rpc.h"
#include "topology.h"
#include "yard.h"

#define DEFAULT_SOCKET "/run/yard/dp.sock"

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	quit = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: yard-dp [OPTIONS] [-- EAL-ARGS...]\n"
"\n"
"The Switchyard dataplane: a DPDK poll-mode switch for the VMs of a host.\n"
"It switches frames between ports (VM vhost-user sockets, NICs, taps,\n"
"pcap files) inside isolated networks, and is programmed over a JSON-RPC\n"
"socket (by yardd, yardctl or any script) or from a topology file.\n"
"\n"
"Options:\n"
"  -s, --socket PATH      API socket (JSON-RPC 2.0, one request per line).\n"
"                         Default: " DEFAULT_SOCKET ". Created mode 0660,\n"
"                         group 'yard' when that group exists.\n"
"  -w, --workers N|LIST   Forwarding workers: a count (each on the next\n"
"                         CPU after the control thread's, wrapping around)\n"
"                         or a CPU list such as 1,3. Default: 1.\n"
"  -t, --topology FILE    Apply this topology (YAML or JSON, schema v1) at\n"
"                         start. A bad file stops yard-dp with the key and\n"
"                         line at fault.\n"
"  -f, --fdb-size N       FDB entries over all networks. Default: 262144.\n"
"  -l, --log-level LEVEL  emerg, alert, crit, err, warning, notice, info or\n"
"                         debug. Default: info.\n"
"  -p, --file-prefix NAME EAL runtime prefix, unique per process on the\n"
"                         machine. Default: derived from the socket path,\n"
"                         so dpdk-proc-info and dpdk-dumpcap can attach with\n"
"                         --file-prefix yard-XXXXXXXX (logged at start)\n"
"                         when yard-dp runs on hugepages; without them,\n"
"                         capture with 'yardctl capture'.\n"
"  -i, --idle-timeout S   Close an API connection silent for S seconds, a\n"
"                         half-sent line included (0: never). yardd keeps\n"
"                         its own connection alive. Default: 60.\n"
"  -u, --max-per-uid N    API connections one user other than root may\n"
"                         hold (0: no limit). Default: 16.\n"
"  -h, --help             This text.\n"
"  -V, --version          Print the version.\n"
"\n"
"Everything after '--' goes to the DPDK EAL (e.g. --vdev, -a PCI,\n"
"--socket-mem). yard-dp adds --no-huge when no hugepages are free (and\n"
"-m512 whoever chose --no-huge), and --no-pci unless a phy port of\n"
"--topology or an -a/-b list names PCI devices: a PCI port added later\n"
"needs '-- -a ADDR'. A second yard-dp on the same socket or prefix\n"
"refuses to start and names the process that holds it.\n"
"\n"
"Signals: SIGINT and SIGTERM stop the workers, close the ports and exit 0.\n"
"Exit status: 0 after a clean stop, 1 on a start-up failure, 2 on a usage\n"
"error.\n"
"\n"
"Example:\n"
"  yard-dp --socket /run/yard/dp.sock --topology lab.yaml\n"
"  echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"port.stats\"}' | \\\n"
"      socat - UNIX-CONNECT:/run/yard/dp.sock\n"
"\n"
"More: yard-dp(8); in the source tree docs/yard-dp.md (EAL arguments, PCI,\n"
"taps in namespaces) and docs/api.md (the methods).\n");
}

static int
log_level_parse(const char *s)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info",
		"debug",
	};

	for (unsigned int i = 0; i < RTE_DIM(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i + 1;
	return -1;
}

static uint64_t
monotonic_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ "topology", required_argument, NULL, 't' },
		{ "fdb-size", required_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "file-prefix", required_argument, NULL, 'p' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "max-per-uid", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *socket_path = DEFAULT_SOCKET, *topo_path = NULL;
	const char *worker_cpus = NULL, *prefix_opt = NULL;
	unsigned int n_workers = 1;
	int log_level = RTE_LOG_INFO, opt, ret, status = 1, n_extra = 0;
	char **extra = NULL, prefix[64], why[512], *eal_args[40];
	char pci_addrs[YARD_PCI_ADDRS_MAX][64];
	int n_eal;
	struct topo *topo = NULL;
	struct rpc_server *srv = NULL;
	struct topo_error terr;
	struct dp_config cfg = { 0 };
	struct rpc_server_limits limits = {
		.idle_ms = RPC_IDLE_MS_DEFAULT,
		.per_uid = RPC_PER_UID_DEFAULT,
	};
	unsigned long v;
	bool no_huge, pdump = false;

	/* Split our options from the EAL's at "--". */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			extra = &argv[i + 1];
			n_extra = argc - i - 1;
			argc = i;
			break;
		}

	while ((opt = getopt_long(argc, argv, "s:w:t:f:l:p:i:u:hV", longopts,
				  NULL)) != -1) {
		char *end;

		switch (opt) {
		case 's':
			socket_path = optarg;
			break;
		case 'w':
			if (strchr(optarg, ',') != NULL) {
				worker_cpus = optarg;
				n_workers = 1;
				for (const char *c = optarg; *c; c++)
					n_workers += *c == ',';
				break;
			}
			n_workers = (unsigned int)strtoul(optarg, &end, 10);
			if (*end != '\0' || n_workers < 1 ||
			    n_workers > DP_WORKERS_MAX) {
				fprintf(stderr, "yard-dp: --workers: '%s' is not a "
					"count 1..%u or a CPU list like 1,3\n",
					optarg, DP_WORKERS_MAX);
				return 2;
			}
			break;
		case 't':
			topo_path = optarg;
			break;
		case 'f':
			if (dp_modules_param("fdb-size", optarg, why,
					     sizeof(why)) < 0) {
				fprintf(stderr, "yard-dp: --fdb-size: %s\n", why);
				return 2;
			}
			break;
		case 'l':
			log_level = log_level_parse(optarg);
			if (log_level < 0) {
				fprintf(stderr, "yard-dp: --log-level: '%s' is not "
					"one of emerg, alert, crit, err, warning, "
					"notice, info, debug\n", optarg);
				return 2;
			}
			break;
		case 'p':
			prefix_opt = optarg;
			break;
		case 'i':
		case 'u':
			v = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' ||
			    v > 86400) {
				fprintf(stderr, "yard-dp: --%s: '%s' is not a number "
					"from 0 to 86400\n", opt == 'i' ?
					"idle-timeout" : "max-per-uid", optarg);
				return 2;
			}
			if (opt == 'i')
				limits.idle_ms = (unsigned int)v * 1000;
			else
				limits.per_uid = (unsigned int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("yard-dp %s\n", YARD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "yard-dp: unexpected argument '%s' (EAL arguments "
			"go after '--')\n", argv[optind]);
		return 2;
	}

	/* A bad topology is reported before anything is started. */
	if (topo_path != NULL) {
		topo = topo_parse_file(topo_path, &terr);
		if (topo == NULL) {
			fprintf(stderr, "yard-dp: %s\n", terr.msg);
			return 1;
		}
	}

	/* A second yard-dp leaves the first alone: check before touching. */
	ret = yard_socket_holder(socket_path);
	if (ret != 0) {
		if (ret > 0)
			fprintf(stderr, "yard-dp: %s is served by process %d "
				"(another yard-dp?): stop it, or give this one "
				"its own --socket\n", socket_path, ret);
		else
			fprintf(stderr, "yard-dp: cannot check %s: %s\n",
				socket_path, strerror(-ret));
		goto out_topo;
	}
	n_eal = yard_eal_pci_args(topo, n_extra, extra, eal_args,
				  (int)RTE_DIM(eal_args), pci_addrs);
	if (n_eal < 0) {
		fprintf(stderr, "yard-dp: too many EAL arguments (at most %zu, "
			"counting one -a per PCI port of --topology)\n",
			RTE_DIM(eal_args));
		goto out_topo;
	}

	if (prefix_opt != NULL) {
		snprintf(prefix, sizeof(prefix), "%s", prefix_opt);
	} else {
		/* rte_hash_crc() reads 8 bytes at a time: give it aligned ones. */
		uint64_t path_buf[16] = { 0 };
		size_t len = RTE_MIN(strlen(socket_path), sizeof(path_buf));

		memcpy(path_buf, socket_path, len);
		snprintf(prefix, sizeof(prefix), "yard-%08x",
			 rte_hash_crc(path_buf, len, 0));
	}
	rte_log_set_global_level((uint32_t)log_level);
	ret = dp_eal_init(argv[0], prefix, n_workers, worker_cpus, false, n_eal,
			  eal_args, &no_huge);
	if (ret < 0)
		goto out_topo;
	rte_log_set_global_level((uint32_t)log_level);
	/* vhost's connection chatter is for debugging; link events say enough. */
	if (log_level < (int)RTE_LOG_DEBUG)
		rte_log_set_level_pattern("lib.vhost.*", RTE_LOG_WARNING);
	DP_LOG(INFO, "yard-dp %s: %u worker(s), EAL prefix %s%s", YARD_VERSION,
	       n_workers, prefix, no_huge ? ", no hugepages" : "");

	cfg.n_workers = n_workers;
	cfg.launch = true;
	ret = dp_init(&cfg);
	if (ret < 0)
		goto out_eal;
	/*
	 * dpdk-dumpcap is a secondary process: it asks us, through the EAL's
	 * multi-process channel, to mirror a device's queues into its ring.
	 * DPDK runs no secondary process without hugepages.
	 */
	if (no_huge) {
		DP_LOG(NOTICE, "no hugepages: dpdk-dumpcap cannot attach (DPDK "
		       "allows no secondary process without them); capture "
		       "with 'yardctl capture PORT -w FILE'");
	} else if (rte_pdump_init() < 0) {
		DP_LOG(WARNING, "dpdk-dumpcap cannot attach: rte_pdump_init: %s; "
		       "capture with 'yardctl capture PORT -w FILE'",
		       rte_strerror(rte_errno));
	} else {
		pdump = true;
		DP_LOG(INFO, "dpdk-dumpcap can attach: dpdk-dumpcap "
		       "--file-prefix=%s -i DEVICE (port.list gives each "
		       "port's device)", prefix);
	}

	srv = rpc_server_create(socket_path, &ret);
	if (srv == NULL) {
		fprintf(stderr, "yard-dp: cannot serve %s: %s\n", socket_path,
			strerror(-ret));
		goto out_dp;
	}
	rpc_server_limits_set(srv, &limits);
	ret = yard_api_register(srv);
	if (ret < 0)
		goto out_srv;

	dp_clock_set(monotonic_sec());
	if (topo != NULL) {
		ret = dp_modules_apply(topo, false, why, sizeof(why));
		if (ret < 0) {
			fprintf(stderr, "yard-dp: %s: %s\n", topo_path, why);
			goto out_srv;
		}
	}
	ret = dp_workers_start();
	if (ret < 0)
		goto out_srv;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	DP_LOG(INFO, "ready: API on %s", socket_path);

	/*
	 * The control loop: API requests, then the modules' housekeeping
	 * (learning, ageing, ...) about every millisecond, the poll timeout.
	 */
	while (!quit) {
		ret = rpc_server_poll(srv, 1);
		if (ret < 0 && ret != -EINTR) {
			DP_LOG(ERR, "API server failed: %s", strerror(-ret));
			break;
		}
		dp_clock_set(monotonic_sec());
		dp_modules_tick();
	}
	DP_LOG(INFO, "stopping");
	status = 0;

out_srv:
	rpc_server_free(srv);
out_dp:
	if (pdump)
		rte_pdump_uninit();
	dp_fini();
out_eal:
	dp_eal_fini();
out_topo:
	topo_free(topo);
	return status;
}
