/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL start, shared objects (mbuf pool, RCU), drop reason names, the clock
 * and node statistics.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "dataplane.h"
#include "dp_priv.h"

RTE_LOG_REGISTER(dp_logtype, yard.dataplane, INFO);

struct rte_rcu_qsbr *dp_rcu;
int dp_meta_offset = -1;
struct rte_mempool *dp_pool;
uint64_t dp_clock_sec;
bool dp_trace_on;
dp_trace_fn dp_trace_sink;

static char eal_prefix[64];

void
dp_clock_set(uint64_t sec)
{
	__atomic_store_n(&dp_clock_sec, sec, __ATOMIC_RELAXED);
}

/*
 * Hugepages are usable when a hugetlbfs is mounted and the kernel has free
 * pages of some size. Anything less and the EAL would fail late, so check
 * first and fall back to --no-huge.
 */
static bool
hugepages_available(void)
{
	char line[256];
	bool mounted = false;
	long free_pages = 0;
	FILE *f;

	f = fopen("/proc/mounts", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, " hugetlbfs ") != NULL)
				mounted = true;
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "HugePages_Free: %ld", &free_pages) == 1)
				break;
		fclose(f);
	}
	return mounted && free_pages > 0;
}

static bool
args_have(int n, char **argv, const char *opt)
{
	size_t len = strlen(opt);

	for (int i = 0; i < n; i++)
		if (strncmp(argv[i], opt, len) == 0)
			return true;
	return false;
}

/* The value of `opt` in argv ("--opt=V" or "--opt V"), or NULL. */
static const char *
args_value(int n, char **argv, const char *opt)
{
	size_t len = strlen(opt);

	for (int i = 0; i < n; i++) {
		if (strncmp(argv[i], opt, len) != 0)
			continue;
		if (argv[i][len] == '=')
			return &argv[i][len + 1];
		if (argv[i][len] == '\0' && i + 1 < n)
			return argv[i + 1];
	}
	return NULL;
}

int
dp_eal_prefix_holder(const char *prefix)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	const char *base = "/var/run/dpdk";
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, ret;

	/* Where the EAL puts its runtime directory (eal_create_runtime_dir). */
	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL)
			base = "/tmp";
		snprintf(tmp, sizeof(tmp), "%s/dpdk", base);
		base = tmp;
	}
	if (snprintf(path, sizeof(path), "%s/%s/config", base, prefix) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/*
	 * A primary process holds a write lock on its config file for as long
	 * as it lives; F_GETLK names it without taking anything.
	 */
	ret = fcntl(fd, F_GETLK, &lk);
	close(fd);
	if (ret < 0)
		return -errno;
	return lk.l_type == F_UNLCK ? 0 : lk.l_pid;
}

int
dp_eal_init(const char *prog, const char *prefix, unsigned int n_workers,
	    const char *worker_cpus, bool in_memory, int n_extra, char **extra,
	    bool *no_huge)
{
	char lcores[512], prefix_arg[128];
	const char *held_prefix = prefix;
	char *argv[64];
	int argc = 0, ret, err;
	long n_cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (n_extra > 40)
		return -E2BIG;
	if (n_cpus < 1)
		n_cpus = 1;

	argv[argc++] = (char *)prog;

	/*
	 * A second primary on a prefix in use fails inside the EAL only after
	 * it has opened the first one's files; refuse before that, naming the
	 * process that holds it.
	 */
	if (!in_memory) {
		if (args_value(n_extra, extra, "--file-prefix") != NULL)
			held_prefix = args_value(n_extra, extra, "--file-prefix");
		ret = dp_eal_prefix_holder(held_prefix);
		if (ret > 0) {
			fprintf(stderr, "%s: EAL prefix '%s' is held by process %d "
				"(another yard-dp?): stop it, or give this one "
				"its own --socket or --file-prefix\n", prog,
				held_prefix, ret);
			return -EADDRINUSE;
		}
	}

	/*
	 * lcore 0 is the control thread on the first CPU; worker lcores 1..N
	 * go on the next CPUs, wrapping around on a small machine (an idle
	 * worker sleeps, so sharing a CPU costs little when idle).
	 */
	if (!args_have(n_extra, extra, "-l") &&
	    !args_have(n_extra, extra, "--lcores")) {
		int off = snprintf(lcores, sizeof(lcores), "0@0");

		if (worker_cpus != NULL) {
			char cpus[256], *save = NULL, *tok;
			unsigned int w = 1;

			snprintf(cpus, sizeof(cpus), "%s", worker_cpus);
			for (tok = strtok_r(cpus, ",", &save); tok != NULL;
			     tok = strtok_r(NULL, ",", &save), w++)
				off += snprintf(lcores + off, sizeof(lcores) - off,
						",%u@%s", w, tok);
		} else {
			for (unsigned int w = 1; w <= n_workers; w++)
				off += snprintf(lcores + off, sizeof(lcores) - off,
						",%u@%ld", w, w % n_cpus);
		}
		argv[argc++] = (char *)"--lcores";
		argv[argc++] = lcores;
	}
	if (!args_have(n_extra, extra, "--file-prefix")) {
		snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", prefix);
		argv[argc++] = prefix_arg;
		snprintf(eal_prefix, sizeof(eal_prefix), "%s", prefix);
	}
	*no_huge = false;
	if (!args_have(n_extra, extra, "--no-huge") &&
	    (in_memory || !hugepages_available())) {
		*no_huge = true;
		argv[argc++] = (char *)"--no-huge";
	} else if (args_have(n_extra, extra, "--no-huge")) {
		*no_huge = true;
	}
	/*
	 * Without hugepages the EAL reserves 64 MB unless told otherwise: too
	 * little for the mbuf pool. Whoever chose --no-huge, size it the same.
	 */
	if (*no_huge && !args_have(n_extra, extra, "-m") &&
	    !args_have(n_extra, extra, "--socket-mem"))
		argv[argc++] = (char *)"-m512";
	if (in_memory) {
		/* --no-huge implies legacy memory, which --in-memory refuses. */
		argv[argc++] = *no_huge ? (char *)"--no-shconf"
					: (char *)"--in-memory";
		argv[argc++] = (char *)"--no-pci";
		argv[argc++] = (char *)"--no-telemetry";
	}
	for (int i = 0; i < n_extra; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;

	errno = 0;
	rte_errno = 0;
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		/*
		 * Some EAL failures leave rte_errno at 0; then errno is the
		 * nearest reason, and when that is 0 too, only the EAL's own
		 * lines above say what went wrong.
		 */
		err = rte_errno != 0 ? rte_errno : errno;
		if (err != 0)
			fprintf(stderr, "%s: EAL start failed: %s\n", prog,
				rte_strerror(err));
		else
			fprintf(stderr, "%s: EAL start failed (the EAL's messages "
				"above say why)\n", prog);
		return err != 0 ? -err : -EIO;
	}
	if (*no_huge && !in_memory)
		DP_LOG(WARNING, "no free hugepages: running with --no-huge "
		       "(works, but slower; see README to reserve some)");
	return 0;
}

int
dp_init(const struct dp_config *cfg)
{
	unsigned int n_mbufs = cfg->n_mbufs;
	size_t sz;
	int ret;

	if (cfg->n_workers < 1 || cfg->n_workers > DP_WORKERS_MAX) {
		DP_LOG(ERR, "workers: %u is out of range 1..%u", cfg->n_workers,
		       DP_WORKERS_MAX);
		return -EINVAL;
	}
	if (cfg->launch && rte_lcore_count() < cfg->n_workers + 1) {
		DP_LOG(ERR, "workers: %u asked but the EAL has only %u lcores "
		       "(one is the control thread)", cfg->n_workers,
		       rte_lcore_count());
		return -EINVAL;
	}
	if (dp_meta_offset < 0) {
		static const struct rte_mbuf_dynfield desc = {
			.name = "yard_meta",
			.size = sizeof(struct dp_meta),
			.align = __alignof__(struct dp_meta),
		};

		dp_meta_offset = rte_mbuf_dynfield_register(&desc);
		if (dp_meta_offset < 0) {
			DP_LOG(ERR, "cannot register the mbuf field: %s",
			       rte_strerror(rte_errno));
			return -rte_errno;
		}
	}

	if (n_mbufs == 0)
		n_mbufs = 16383 + 8192 * cfg->n_workers;
	dp_pool = rte_pktmbuf_pool_create("yard_mbufs", n_mbufs, 256,
					  RTE_ALIGN(sizeof(struct dp_mbuf_priv),
						    RTE_MBUF_PRIV_ALIGN),
					  RTE_MBUF_DEFAULT_BUF_SIZE,
					  rte_socket_id());
	if (dp_pool == NULL) {
		DP_LOG(ERR, "cannot create the mbuf pool (%u mbufs): %s",
		       n_mbufs, rte_strerror(rte_errno));
		return -rte_errno;
	}

	/* One RCU reader id per worker; yard-replay's walker is worker 0. */
	sz = rte_rcu_qsbr_get_memsize(cfg->n_workers);
	dp_rcu = rte_zmalloc("yard_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (dp_rcu == NULL) {
		ret = -ENOMEM;
		goto fail_pool;
	}
	rte_rcu_qsbr_init(dp_rcu, cfg->n_workers);

	ret = dp_inject_init(cfg->n_workers);
	if (ret < 0)
		goto fail_rcu;
	ret = dp_capture_init();
	if (ret < 0) {
		dp_inject_fini();
		goto fail_rcu;
	}
	/* Modules add their graph edges at init: before the graphs exist. */
	ret = dp_modules_init();
	if (ret < 0)
		goto fail_inject;
	ret = dp_workers_create(cfg);
	if (ret < 0)
		goto fail_modules;
	return 0;

fail_modules:
	dp_workers_destroy();
	dp_modules_fini();
fail_inject:
	dp_capture_fini();
	dp_inject_fini();
fail_rcu:
	rte_free(dp_rcu);
	dp_rcu = NULL;
fail_pool:
	rte_mempool_free(dp_pool);
	dp_pool = NULL;
	return ret;
}

void
dp_rcu_synchronize(void)
{
	if (dp_workers_launched())
		rte_rcu_qsbr_synchronize(dp_rcu, RTE_QSBR_THRID_INVALID);
}

/* Remove the files in `dir` whose names start with `start` ("" for all). */
static void
dir_clean(const char *dir, const char *start)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX + 256];

		if (e->d_name[0] == '.' ||
		    strncmp(e->d_name, start, strlen(start)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

/*
 * rte_eal_cleanup() leaves the runtime directory (config, memory maps, the
 * multi-process socket) and the hugepage files behind, so hugepages stay
 * taken after the process is gone. A switch stopped cleanly removes both.
 * (--huge-unlink would too, but then dpdk-dumpcap could not attach.)
 */
void
dp_eal_fini(void)
{
	char dir[PATH_MAX], line[512], mnt[PATH_MAX], type[64], start[80];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	dir_clean(dir, "");
	rmdir(dir);
	if (eal_prefix[0] == '\0')
		return;
	snprintf(start, sizeof(start), "%smap_", eal_prefix);
	f = fopen("/proc/mounts", "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%*s %4095s %63s", mnt, type) == 2 &&
		    strcmp(type, "hugetlbfs") == 0)
			dir_clean(mnt, start);
	fclose(f);
}

void
dp_fini(void)
{
	dp_workers_stop();
	/* Modules hear of each port's removal, then go themselves. */
	dp_ports_close_all();
	dp_modules_fini();
	dp_capture_fini();
	dp_inject_fini();
	dp_workers_destroy();
	rte_free(dp_rcu);
	dp_rcu = NULL;
	rte_mempool_free(dp_pool);
	dp_pool = NULL;
}

unsigned int
dp_node_stats_get(struct dp_node_stats *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int w = 0; w < dp_n_workers; w++) {
		struct rte_graph *graph = dp_workers[w].graph;
		struct rte_node *node;
		rte_graph_off_t off;
		rte_node_t count;

		if (graph == NULL)
			continue;
		rte_graph_foreach_node(count, off, graph, node) {
			unsigned int i;

			for (i = 0; i < n; i++)
				if (strcmp(out[i].name, node->name) == 0)
					break;
			if (i == n) {
				if (n == max)
					continue;
				memset(&out[n], 0, sizeof(out[n]));
				snprintf(out[n].name, sizeof(out[n].name), "%s",
					 node->name);
				n++;
			}
			out[i].calls += node->total_calls;
			out[i].objs += node->total_objs;
			out[i].cycles += node->total_cycles;
		}
	}
	return n;
}
