/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tap port's `netns`: yard-dp moves the tap's kernel interface into the
 * named network namespace, sets it up and gives it its addresses, over
 * rtnetlink (no `ip` command). It does so every time it makes the tap, so
 * a restarted yard-dp puts its new taps back where the old ones were.
 *
 * Runs on the control thread only. The namespace's socket is opened from
 * inside it (setns() of this thread, then back), so the thread never acts
 * in another namespace for longer than a socket() call.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <rte_debug.h>

#include "yard.h"

#define NETNS_DIR "/run/netns"

struct nl_req {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	};
	char attrs[256];
};

static void
nl_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/*
 * Send one request and wait for its answer: with `ifindex` NULL, its
 * acknowledgement; otherwise (RTM_GETLINK) the link it asks for, whose
 * index goes to *ifindex. 0 or -errno.
 */
static int
nl_talk(int fd, struct nl_req *r, unsigned int *ifindex)
{
	char buf[8192];
	ssize_t n;

	/* A GETLINK answers with the link; an ACK after it would linger. */
	r->h.nlmsg_flags |= NLM_F_REQUEST | (ifindex == NULL ? NLM_F_ACK : 0);
	if (send(fd, r, r->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				return err != 0 || ifindex == NULL ? err : -ENODEV;
			}
			if (h->nlmsg_type == RTM_NEWLINK && ifindex != NULL) {
				*ifindex = (unsigned int)((struct ifinfomsg *)
					NLMSG_DATA(h))->ifi_index;
				return 0;
			}
		}
	}
}

static int
nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct timeval tv = { .tv_sec = 5 };

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* A netlink socket that acts in the namespace of `nsfd`. */
static int
nl_open_in(int nsfd)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd = -1, err;

	if (self < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(self);
		return err;
	}
	fd = nl_open();
	err = fd < 0 ? -errno : 0;
	/* Back home; a thread left in the tenant's namespace is a bug. */
	if (setns(self, CLONE_NEWNET) < 0)
		rte_panic("cannot return to yard-dp's network namespace: %s\n",
			  strerror(errno));
	close(self);
	return fd < 0 ? err : fd;
}

static void
link_req(struct nl_req *r, unsigned int ifindex)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(sizeof(r->ifi));
	r->h.nlmsg_type = RTM_NEWLINK;
	r->ifi.ifi_family = AF_UNSPEC;
	r->ifi.ifi_index = (int)ifindex;
}

int
port_netns_apply(const struct topo_port *tp, unsigned int ifindex, char *why,
		 size_t len)
{
	char path[sizeof(NETNS_DIR) + TOPO_NAME_MAX + 1], ifname[IF_NAMESIZE];
	int nsfd = -1, fd = -1, rc;
	struct nl_req r;
	unsigned int i;

	if (tp->netns[0] == '\0')
		return 0;
	if (ifindex == 0 || if_indextoname(ifindex, ifname) == NULL) {
		snprintf(why, len, "port %s: its tap has no kernel interface in "
			 "yard-dp's namespace to move into netns '%s'", tp->name,
			 tp->netns);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), NETNS_DIR "/%s", tp->netns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		rc = -errno;
		snprintf(why, len, "port %s: netns '%s': %s%s", tp->name, tp->netns,
			 strerror(-rc), rc == -ENOENT ? " (no " NETNS_DIR "/NAME): "
			 "create it with 'ip netns add NAME'" : "");
		return rc;
	}
	/* Move the interface; it keeps its name. */
	fd = nl_open();
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	link_req(&r, ifindex);
	nl_attr(&r, IFLA_NET_NS_FD, &(int){ nsfd }, sizeof(int));
	rc = nl_talk(fd, &r, NULL);
	close(fd);
	fd = -1;
	if (rc < 0)
		goto fail;
	/* Up, with its addresses, over a socket of that namespace. */
	fd = nl_open_in(nsfd);
	if (fd < 0) {
		rc = fd;
		fd = -1;
		goto fail;
	}
	link_req(&r, 0);
	r.ifi.ifi_flags = IFF_UP;
	r.ifi.ifi_change = IFF_UP;
	nl_attr(&r, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	rc = nl_talk(fd, &r, NULL);
	if (rc < 0)
		goto fail;
	/* The same name there; the index may differ. */
	link_req(&r, 0);
	r.h.nlmsg_type = RTM_GETLINK;
	nl_attr(&r, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	rc = nl_talk(fd, &r, &ifindex);
	if (rc < 0)
		goto fail;
	for (i = 0; i < tp->n_addresses; i++) {
		const struct topo_prefix *a = &tp->addresses[i];

		memset(&r, 0, sizeof(r));
		r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifa));
		r.h.nlmsg_type = RTM_NEWADDR;
		r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
		r.ifa.ifa_family = AF_INET;
		r.ifa.ifa_prefixlen = a->plen;
		r.ifa.ifa_index = ifindex;
		nl_attr(&r, IFA_LOCAL, &a->addr, sizeof(a->addr));
		nl_attr(&r, IFA_ADDRESS, &a->addr, sizeof(a->addr));
		rc = nl_talk(fd, &r, NULL);
		if (rc < 0)
			goto fail;
	}
	close(fd);
	close(nsfd);
	return 0;
fail:
	snprintf(why, len, "port %s: cannot set up %s in netns '%s': %s",
		 tp->name, ifname, tp->netns, strerror(-rc));
	if (fd >= 0)
		close(fd);
	close(nsfd);
	return rc;
}
