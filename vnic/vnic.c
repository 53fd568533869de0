/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vNICs on rte_vhost: the vhost-user socket, the device callbacks and the
 * burst functions port-rx and port-tx call (see vnic.h for the threads).
 */
#include <errno.h>
#include <linux/virtio_net.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>

#include <rte_malloc.h>
#include <rte_vhost.h>

#include "dataplane.h"
#include "vnic.h"

/*
 * Offloads the switch does not do: without them the guest sends whole
 * frames with their checksums, and takes them so.
 */
#define VNIC_FEATURES_OFF \
	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | \
	 (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) | \
	 (1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_HOST_UFO) | \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) | \
	 (1ULL << VIRTIO_NET_F_GUEST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_UFO))

/*
 * Queue pair q is vrings 2q (the guest's rx: we enqueue) and 2q + 1 (its
 * tx: we dequeue).
 */
#define VNIC_VRING_GUEST_RX 0
#define VNIC_VRING_GUEST_TX 1
/* The guest's rx vrings (ours to fill) are the even ones: bits 0, 2, ... */
#define VNIC_GUEST_RX_MASK UINT64_C(0x5555555555555555)

/* Per queue, written by one worker each; own cache line. */
struct vnic_queue {
	uint64_t rx_pkts, rx_bytes;
	uint64_t tx_pkts, tx_bytes;
} __rte_cache_aligned;

struct vnic {
	/* What workers read: atomics, written by rte_vhost's threads. */
	int vid;		/**< The vhost device, -1 while there is none. */
	uint64_t enabled;	/**< Bit v: vring v enabled by the guest. */
	/* The rest: control thread, and rte_vhost's threads under `lock`. */
	uint32_t changed;	/**< Link went up or down since the last tick. */
	uint64_t link_events;
	uint16_t port;
	uint16_t n_qp;		/**< Queue pairs offered (one per worker). */
	bool server;
	bool registered;	/**< rte_vhost knows the socket. */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct vnic_queue q[DP_WORKERS_MAX];
};

/*
 * Every vNIC, for rte_vhost's callbacks to find theirs by socket path.
 * The control thread adds and removes entries under `lock`; callbacks look
 * under it.
 */
static struct vnic *vnics[VNIC_MAX];
static unsigned int n_vnics;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

RTE_LOG_REGISTER_DEFAULT(vnic_logtype, INFO);
#define VNIC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, vnic_logtype, "vnic: " fmt "\n", ##__VA_ARGS__)

int
vnic_describe(const char *socket, bool server, char *buf, size_t len)
{
	int n;

	/*
	 * Nothing parses the path any more, but a ',' or '=' in it would
	 * still make it ambiguous wherever it is shown or passed on as
	 * devargs (QEMU's -chardev, testpmd): keep them out.
	 */
	if (socket[0] != '/' || strpbrk(socket, ",=;[] \t\n\r") != NULL)
		return -EINVAL;
	if (strlen(socket) >= sizeof(((struct vnic *)0)->path))
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "vhost-user,path=%s,client=%d,queues=%u",
		     socket, server ? 0 : 1, dp_n_workers ? dp_n_workers : 1);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

unsigned int
vnic_count(void)
{
	return n_vnics;
}

/* ---- worker side ---- */

static uint16_t
vnic_rx_burst(void *dev, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vnic *v = dev;
	int vid = __atomic_load_n(&v->vid, __ATOMIC_ACQUIRE);
	uint16_t vring = (uint16_t)(2 * queue + VNIC_VRING_GUEST_TX);
	struct vnic_queue *q = &v->q[queue];
	uint64_t bytes = 0;
	uint16_t got;

	if (unlikely(vid < 0) ||
	    !(__atomic_load_n(&v->enabled, __ATOMIC_RELAXED) & (1ULL << vring)))
		return 0;
	got = rte_vhost_dequeue_burst(vid, vring, dp_pool, pkts, n);
	for (uint16_t i = 0; i < got; i++)
		bytes += pkts[i]->pkt_len;
	q->rx_pkts += got;
	q->rx_bytes += bytes;
	return got;
}

static uint16_t
vnic_tx_burst(void *dev, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vnic *v = dev;
	int vid = __atomic_load_n(&v->vid, __ATOMIC_ACQUIRE);
	uint64_t on = __atomic_load_n(&v->enabled, __ATOMIC_RELAXED) &
		      VNIC_GUEST_RX_MASK;
	uint16_t vring = (uint16_t)(2 * queue + VNIC_VRING_GUEST_RX), sent;
	struct vnic_queue *q = &v->q[queue];
	uint64_t bytes = 0;

	if (unlikely(vid < 0 || on == 0))
		return 0;	/* Link down: refused, as an ethdev would. */
	/*
	 * A guest that enabled fewer queue pairs than there are workers gets
	 * the frames of the others on its first one: rte_vhost serialises
	 * the workers on a vring with its lock.
	 */
	if (unlikely(!(on & (1ULL << vring))))
		vring = (uint16_t)__builtin_ctzll(on);
	sent = rte_vhost_enqueue_burst(vid, vring, pkts, n);
	/* rte_vhost copies: what it took is ours to free. */
	for (uint16_t i = 0; i < sent; i++)
		bytes += pkts[i]->pkt_len;
	rte_pktmbuf_free_bulk(pkts, sent);
	q->tx_pkts += sent;
	q->tx_bytes += bytes;
	return sent;
}

/* ---- rte_vhost's threads ---- */

/* The vNIC whose socket vhost device `vid` came on; under `lock`. */
static struct vnic *
vnic_of_vid(int vid)
{
	char path[sizeof(((struct vnic *)0)->path)];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return NULL;
	for (unsigned int i = 0; i < VNIC_MAX; i++)
		if (vnics[i] != NULL && strcmp(vnics[i]->path, path) == 0)
			return vnics[i];
	return NULL;
}

static void
vnic_link_changed(struct vnic *v, bool up)
{
	v->link_events++;
	__atomic_store_n(&v->changed, 1, __ATOMIC_RELEASE);
	VNIC_LOG(INFO, "port %s: link %s", dp_ports[v->port].name,
		 up ? "up" : "down");
}

static int
vnic_new_device(int vid)
{
	struct vnic *v;

	pthread_mutex_lock(&lock);
	v = vnic_of_vid(vid);
	if (v == NULL) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	/* The switch polls: the guest need not kick it. */
	for (uint16_t r = 0; r < rte_vhost_get_vring_num(vid); r++)
		rte_vhost_enable_guest_notification(vid, r, 0);
	__atomic_store_n(&v->vid, vid, __ATOMIC_RELEASE);
	vnic_link_changed(v, true);
	pthread_mutex_unlock(&lock);
	return 0;
}

static void
vnic_destroy_device(int vid)
{
	struct vnic *v;

	pthread_mutex_lock(&lock);
	v = vnic_of_vid(vid);
	if (v == NULL || __atomic_load_n(&v->vid, __ATOMIC_RELAXED) != vid) {
		pthread_mutex_unlock(&lock);
		return;
	}
	__atomic_store_n(&v->vid, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&v->enabled, 0, __ATOMIC_RELAXED);
	vnic_link_changed(v, false);
	pthread_mutex_unlock(&lock);
	/*
	 * rte_vhost frees the device's rings once this returns: wait until
	 * no worker is inside a burst call that read the old id.
	 */
	dp_rcu_synchronize();
}

static int
vnic_vring_state_changed(int vid, uint16_t vring, int enable)
{
	struct vnic *v;

	if (vring >= 64)
		return 0;	/* More queue pairs than any worker polls. */
	pthread_mutex_lock(&lock);
	v = vnic_of_vid(vid);
	if (v != NULL) {
		if (enable)
			__atomic_fetch_or(&v->enabled, 1ULL << vring,
					  __ATOMIC_RELEASE);
		else
			__atomic_fetch_and(&v->enabled, ~(1ULL << vring),
					   __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

static const struct rte_vhost_device_ops vnic_vhost_ops = {
	.new_device = vnic_new_device,
	.destroy_device = vnic_destroy_device,
	.vring_state_changed = vnic_vring_state_changed,
};

/* ---- control thread ---- */

static void
vnic_link_get(void *dev, struct rte_eth_link *link)
{
	const struct vnic *v = dev;

	link->link_status = __atomic_load_n(&v->vid, __ATOMIC_RELAXED) >= 0;
	link->link_speed = link->link_status ? RTE_ETH_SPEED_NUM_10G : 0;
	link->link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
}

static void
vnic_stats_get(void *dev, struct rte_eth_stats *st)
{
	const struct vnic *v = dev;

	for (unsigned int q = 0; q < v->n_qp && q < RTE_ETHDEV_QUEUE_STAT_CNTRS; q++) {
		st->q_ipackets[q] = v->q[q].rx_pkts;
		st->q_ibytes[q] = v->q[q].rx_bytes;
		st->q_opackets[q] = v->q[q].tx_pkts;
		st->q_obytes[q] = v->q[q].tx_bytes;
		st->ipackets += v->q[q].rx_pkts;
		st->ibytes += v->q[q].rx_bytes;
		st->opackets += v->q[q].tx_pkts;
		st->obytes += v->q[q].tx_bytes;
	}
}

/* Forget `v` in the table; rte_vhost will not find it any more. */
static void
vnic_unlist(struct vnic *v)
{
	pthread_mutex_lock(&lock);
	for (unsigned int i = 0; i < VNIC_MAX; i++)
		if (vnics[i] == v) {
			vnics[i] = NULL;
			n_vnics--;
		}
	pthread_mutex_unlock(&lock);
}

static void
vnic_close(void *dev)
{
	struct vnic *v = dev;

	/*
	 * Closes the connection (destroy_device runs here, on this thread)
	 * and, in server mode, removes the socket this port created.
	 */
	if (v->registered)
		rte_vhost_driver_unregister(v->path);
	vnic_unlist(v);
	VNIC_LOG(INFO, "port %s: %s closed", dp_ports[v->port].name, v->path);
	rte_free(v);
}

static const struct dp_port_ops vnic_port_ops = {
	.rx_burst = vnic_rx_burst,
	.tx_burst = vnic_tx_burst,
	.link_get = vnic_link_get,
	.stats_get = vnic_stats_get,
	.close = vnic_close,
};

/* Register `v`'s socket with rte_vhost and start it. */
static int
vnic_socket_start(struct vnic *v, char *why, size_t len, const char *name)
{
	uint64_t flags = RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS;
	uint64_t off = VNIC_FEATURES_OFF;
	int ret = -EINVAL;

	if (!v->server)
		flags |= RTE_VHOST_USER_CLIENT;
	if (rte_vhost_driver_register(v->path, flags) < 0) {
		snprintf(why, len, "port %s: rte_vhost refused socket %s (in use "
			 "by rte_vhost already, or too many sockets)", name,
			 v->path);
		return -EINVAL;
	}
	v->registered = true;
	if (v->n_qp == 1)
		off |= 1ULL << VIRTIO_NET_F_MQ;
	if (rte_vhost_driver_disable_features(v->path, off) < 0 ||
	    rte_vhost_driver_callback_register(v->path, &vnic_vhost_ops) < 0)
		goto fail;
	if (rte_vhost_driver_start(v->path) < 0) {
		snprintf(why, len, "port %s: cannot %s vhost-user socket %s "
			 "(the log says why)", name,
			 v->server ? "listen on" : "connect to", v->path);
		ret = -EIO;
		goto fail;
	}
	return 0;
fail:
	if (ret == -EINVAL)
		snprintf(why, len, "port %s: cannot set up vhost-user socket %s",
			 name, v->path);
	/*
	 * Unregistering a server socket unlinks the path: the caller made
	 * sure nothing was there before.
	 */
	rte_vhost_driver_unregister(v->path);
	v->registered = false;
	return ret;
}

int
vnic_port_add(const char *name, const char *socket, bool server, char *why,
	      size_t len)
{
	char what[256];
	struct rte_ether_addr mac;
	struct vnic *v;
	unsigned int slot;
	int ret;

	ret = vnic_describe(socket, server, what, sizeof(what));
	if (ret < 0) {
		snprintf(why, len, "port %s: bad socket path '%s'", name, socket);
		return ret;
	}
	if (n_vnics >= VNIC_MAX) {
		snprintf(why, len, "port %s: yard-dp holds %u vNICs already, its "
			 "most", name, VNIC_MAX);
		return -ENOSPC;
	}
	v = rte_zmalloc("yard_vnic", sizeof(*v), RTE_CACHE_LINE_SIZE);
	if (v == NULL) {
		snprintf(why, len, "port %s: out of memory", name);
		return -ENOMEM;
	}
	v->vid = -1;
	v->server = server;
	v->n_qp = (uint16_t)(dp_n_workers ? dp_n_workers : 1);
	snprintf(v->path, sizeof(v->path), "%s", socket);
	/* A locally administered address; the guest has its own. */
	rte_eth_random_addr(mac.addr_bytes);
	ret = dp_port_dev_add(name, what, &vnic_port_ops, v, v->n_qp, v->n_qp,
			      &mac);
	if (ret < 0) {
		/* The port layer's reason names the port already. */
		if (dp_port_error()[0] != '\0')
			snprintf(why, len, "%s", dp_port_error());
		else
			snprintf(why, len, "port %s: %s", name, strerror(-ret));
		rte_free(v);
		return ret;
	}
	v->port = (uint16_t)ret;
	pthread_mutex_lock(&lock);
	for (slot = 0; vnics[slot] != NULL; slot++)
		;
	vnics[slot] = v;
	n_vnics++;
	pthread_mutex_unlock(&lock);
	ret = vnic_socket_start(v, why, len, name);
	if (ret < 0) {
		dp_port_del(v->port);	/* Its close frees v. */
		return ret;
	}
	return v->port;
}

/*
 * Link changes come on rte_vhost's threads; whether the workers poll a
 * vNIC is the control thread's to publish.
 */
static void
vnic_tick(void)
{
	for (unsigned int i = 0; i < VNIC_MAX; i++) {
		struct vnic *v = vnics[i];

		if (v == NULL || !__atomic_exchange_n(&v->changed, 0,
						      __ATOMIC_ACQUIRE))
			continue;
		pthread_mutex_lock(&lock);
		dp_ports[v->port].link_events = v->link_events;
		pthread_mutex_unlock(&lock);
		dp_port_rx_poll_set(v->port,
				    __atomic_load_n(&v->vid, __ATOMIC_ACQUIRE) >= 0);
	}
}

/*
 * Every connected vNIC holds a socket, two eventfds per vring and its
 * guest's memory files: hundreds of them outgrow the usual 1,024 open
 * files.
 */
static int
vnic_init(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			VNIC_LOG(WARNING, "cannot raise the open files limit: %s",
				 strerror(errno));
	}
	return 0;
}

static struct dp_module vnic_module = {
	.name = "vnic",
	.init = vnic_init,
	.tick = vnic_tick,
};
DP_MODULE_REGISTER(vnic_module);
