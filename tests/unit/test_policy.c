/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's host policy: the reproducers of issue 11 as ports and VMs that
 * the policy must refuse (a pcap port writing a host file, one sniffing
 * the host's loopback, devargs smuggled through a vhost socket, a socket
 * outside the vhost directory or shared by two ports, a VM disk outside
 * the image directories, by path, by ".." or by symlink), the same things
 * allowed once the config widens the policy, and the config file's errors.
 * Everything lives in one mkdtemp directory, removed by the teardown.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "policy.h"

struct fixture {
	/* Short enough for a topology path (TOPO_PATH_MAX) below it. */
	char dir[64];
	char pcap[80], images[80], vhost[80];
	char victim[80];		/* A host file outside every directory. */
	struct policy p;
	char why[1024];
};

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/test_policy.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->pcap, sizeof(f->pcap), "%s/pcap", f->dir);
	snprintf(f->images, sizeof(f->images), "%s/images", f->dir);
	snprintf(f->vhost, sizeof(f->vhost), "%s/vhost", f->dir);
	snprintf(f->victim, sizeof(f->victim), "%s/victim", f->dir);
	if (mkdir(f->pcap, 0700) < 0 || mkdir(f->images, 0700) < 0 ||
	    mkdir(f->vhost, 0700) < 0)
		return -1;
	write_file(f->victim, "precious\n");
	policy_init(&f->p);
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

static void
set(struct fixture *f, const char *key, const char *value)
{
	assert_int_equal(policy_set(&f->p, key, value, f->why, sizeof(f->why)), 0);
}

static struct topo_port
port_devargs(enum topo_port_kind kind, const char *devargs)
{
	struct topo_port port = { .name = "p1", .kind = kind };

	snprintf(port.devargs, sizeof(port.devargs), "%s", devargs);
	return port;
}

static struct topo_port
port_socket(const char *name, const char *socket)
{
	struct topo_port port = { .kind = TOPO_PORT_VHOST };

	snprintf(port.name, sizeof(port.name), "%s", name);
	snprintf(port.socket, sizeof(port.socket), "%s", socket);
	return port;
}

/* Expect a refusal of `port` whose message holds `needle`. */
static void
refused(struct fixture *f, const struct topo_port *port, const char *needle)
{
	f->why[0] = '\0';
	assert_int_equal(policy_port_check(&f->p, port, f->why, sizeof(f->why)),
			 -EPERM);
	assert_contains(f->why, needle);
}

static void
allowed(struct fixture *f, const struct topo_port *port)
{
	int rc = policy_port_check(&f->p, port, f->why, sizeof(f->why));

	if (rc != 0)
		fail_msg("refused: %s", f->why);
}

/* H1: tx_pcap truncates and rewrites any file yard-dp can open. */
static void
test_pcap_file_write(void **state)
{
	struct fixture *f = *state;
	char devargs[TOPO_DEVARGS_MAX], inside[128];
	struct topo_port port;

	snprintf(devargs, sizeof(devargs), "net_pcap_evil,tx_pcap=%s", f->victim);
	port = port_devargs(TOPO_PORT_PCAP, devargs);
	refused(f, &port, "devargs key 'tx_pcap'");
	assert_contains(f->why, "is outside the allowed directories (pcap_dir: "
			"none configured)");
	/* Allowed inside a pcap directory, not out of it by "..". */
	set(f, "pcap_dir", f->pcap);
	refused(f, &port, "outside");
	snprintf(devargs, sizeof(devargs), "net_pcap_evil,tx_pcap=%s/../victim",
		 f->pcap);
	port = port_devargs(TOPO_PORT_PCAP, devargs);
	refused(f, &port, "outside");
	snprintf(devargs, sizeof(devargs), "net_pcap0,rx_pcap=%s/in.pcap,"
		 "tx_pcap=%s/out.pcap,infinite_rx=1", f->pcap, f->pcap);
	port = port_devargs(TOPO_PORT_PCAP, devargs);
	allowed(f, &port);
	/* ... nor by a symlink planted in it. */
	snprintf(inside, sizeof(inside), "%s/link.pcap", f->pcap);
	assert_int_equal(symlink(f->victim, inside), 0);
	snprintf(devargs, sizeof(devargs), "net_pcap0,tx_pcap=%s", inside);
	port = port_devargs(TOPO_PORT_PCAP, devargs);
	refused(f, &port, "outside");
	/* Relative paths name yard-dp's working directory: refused. */
	port = port_devargs(TOPO_PORT_PCAP, "net_pcap0,tx_pcap=out.pcap");
	refused(f, &port, "not an absolute path");
}

/* H1: iface= captures a host interface into a tenant network. */
static void
test_pcap_sniff(void **state)
{
	struct fixture *f = *state;
	struct topo_port port = port_devargs(TOPO_PORT_PCAP,
					     "net_pcap_sniff,iface=lo");

	refused(f, &port, "devargs key 'iface': host interface 'lo' is not "
		"allowed (iface: none configured); add 'iface = lo'");
	port = port_devargs(TOPO_PORT_PCAP, "net_pcap_sniff,rx_iface_in=lo");
	refused(f, &port, "'lo' is not allowed");
	port = port_devargs(TOPO_PORT_AFXDP, "net_af_xdp0,iface=lo");
	refused(f, &port, "'lo' is not allowed");
	set(f, "iface", "lo");
	allowed(f, &port);
	port = port_devargs(TOPO_PORT_PCAP, "net_pcap_sniff,iface=lo");
	allowed(f, &port);
}

/* Each kind takes only its own driver and that driver's keys. */
static void
test_kind_driver(void **state)
{
	struct fixture *f = *state;
	struct topo_port port;

	port = port_devargs(TOPO_PORT_TAP, "net_tap0,iface=yt0");
	allowed(f, &port);
	port = port_devargs(TOPO_PORT_TAP, "net_tap0,iface=yt0,remote=eth0");
	refused(f, &port, "devargs key 'remote' is not one a tap port may use");
	port = port_devargs(TOPO_PORT_PCAP, "net_tap0,iface=yt0");
	refused(f, &port, "devargs device 'net_tap0' is not a net_pcap device");
	port = port_devargs(TOPO_PORT_TAP, "vdev:net_pcap0");
	refused(f, &port, "is not a net_tap device");
	/* phy: a PCI address, else only an allow-listed driver. */
	port = port_devargs(TOPO_PORT_PHY, "0000:03:00.0");
	allowed(f, &port);
	port = port_devargs(TOPO_PORT_PHY, "03:00.1");
	allowed(f, &port);
	port = port_devargs(TOPO_PORT_PHY, "net_pcap0,tx_pcap=/etc/passwd");
	refused(f, &port, "neither a PCI address (0000:03:00.0) nor a device of "
		"an allowed phy driver (phy_driver: none configured)");
	port = port_devargs(TOPO_PORT_PHY, "net_af_packet0,iface=lo");
	refused(f, &port, "phy_driver");
	set(f, "phy_driver", "net_af_packet");
	refused(f, &port, "host interface 'lo' is not allowed");
	set(f, "phy_driver", "net_null");
	port = port_devargs(TOPO_PORT_PHY, "net_null_a1,no-rx=1");
	allowed(f, &port);
	port = port_devargs(TOPO_PORT_PHY, "net_null_a1,path=/etc/shadow");
	refused(f, &port, "looks like a path");
	port = port_devargs(TOPO_PORT_PHY, "net_null_a1,no-rx=[1,2]");
	refused(f, &port, "is empty or a list");
	port = port_devargs(TOPO_PORT_PHY, "net_null_a1, no-rx=1");
	refused(f, &port, "a space");
}

/* H4: the socket is pasted into net_vhost's devargs. */
static void
test_vhost_socket(void **state)
{
	struct fixture *f = *state;
	char sock[128];
	struct topo_port port;

	port = port_socket("vm1", "/run/yard/vhost/vm1.sock,iommu-support=1,"
			   "postcopy-support=1,tso=1");
	refused(f, &port, "port 'vm1': socket '/run/yard/vhost/vm1.sock,"
		"iommu-support=1,postcopy-support=1,tso=1' is not "
		"/run/yard/vhost/NAME.sock");
	port = port_socket("vm1", "/run/yard/vhost/vm1.sock");
	allowed(f, &port);
	port = port_socket("vm1", "/run/yard/vhost/../yardd.sock");
	refused(f, &port, "one path component");
	port = port_socket("vm1", "/run/yard/vhost/sub/vm1.sock");
	refused(f, &port, "one path component");
	/* H2: a file anywhere else is out of reach of a server-mode port. */
	port = port_socket("vm1", f->victim);
	refused(f, &port, "is not /run/yard/vhost/NAME.sock");
	set(f, "vhost_dir", f->vhost);
	snprintf(sock, sizeof(sock), "%s/vm1.sock", f->vhost);
	port = port_socket("vm1", sock);
	allowed(f, &port);
}

/* H4: two ports of two tenants on one socket. */
static void
test_vhost_shared(void **state)
{
	struct fixture *f = *state;
	struct topo_port ports[2] = {
		port_socket("a", "/run/yard/vhost/a.sock"),
		port_socket("b", "/run/yard/vhost/a.sock"),
	};
	struct topo t = { .ports = ports, .n_ports = 2 };

	assert_int_equal(policy_check(&f->p, &t, f->why, sizeof(f->why)), -EPERM);
	assert_contains(f->why, "port 'b': socket '/run/yard/vhost/a.sock' "
			"belongs to port 'a' already");
	snprintf(ports[1].socket, sizeof(ports[1].socket), "/run/yard/vhost/b.sock");
	assert_int_equal(policy_check(&f->p, &t, f->why, sizeof(f->why)), 0);
}

/* H3: a VM's disk, kernel or initrd can be any host file. */
static void
test_vm_paths(void **state)
{
	struct fixture *f = *state;
	struct topo_vm vms[2] = { { .name = "vm1" }, { .name = "vm2" } };
	struct topo t = { .vms = vms, .n_vms = 1 };
	char disk[128], link[128];

	snprintf(vms[0].disk, sizeof(vms[0].disk), "%s", f->victim);
	assert_int_equal(policy_vm_check(&f->p, &vms[0], f->why, sizeof(f->why)),
			 -EPERM);
	assert_contains(f->why, "vm 'vm1': disk: '");
	assert_contains(f->why, "is outside the allowed directories (image_dir: "
			"/var/lib/yard/images)");
	set(f, "image_dir", f->images);
	snprintf(disk, sizeof(disk), "%s/vm1.img", f->images);
	write_file(disk, "disk\n");
	snprintf(vms[0].disk, sizeof(vms[0].disk), "%s", disk);
	assert_int_equal(policy_check(&f->p, &t, f->why, sizeof(f->why)), 0);
	/* Out by "..", by a symlink, or a file that is not there. */
	snprintf(vms[0].disk, sizeof(vms[0].disk), "%s/../victim", f->images);
	assert_int_equal(policy_check(&f->p, &t, f->why, sizeof(f->why)), -EPERM);
	snprintf(link, sizeof(link), "%s/escape.img", f->images);
	assert_int_equal(symlink(f->victim, link), 0);
	snprintf(vms[0].kernel, sizeof(vms[0].kernel), "%s", link);
	snprintf(vms[0].disk, sizeof(vms[0].disk), "%s", disk);
	assert_int_equal(policy_check(&f->p, &t, f->why, sizeof(f->why)), -EPERM);
	assert_contains(f->why, "vm 'vm1': kernel:");
	vms[0].kernel[0] = '\0';
	snprintf(vms[0].initrd, sizeof(vms[0].initrd), "%s/none.img", f->images);
	assert_int_equal(policy_check(&f->p, &t, f->why, sizeof(f->why)), -EPERM);
	assert_contains(f->why, "No such file");
	vms[0].initrd[0] = '\0';
	/* Disks are exclusive. */
	snprintf(vms[1].disk, sizeof(vms[1].disk), "%s/./vm1.img", f->images);
	t.n_vms = 2;
	assert_int_equal(policy_check(&f->p, &t, f->why, sizeof(f->why)), -EPERM);
	assert_contains(f->why, "vm 'vm2': disk '");
	assert_contains(f->why, "belongs to vm 'vm1' already");
}

static void
test_config_file(void **state)
{
	struct fixture *f = *state;
	char conf[128], text[1024];

	snprintf(conf, sizeof(conf), "%s/yardd.conf", f->dir);
	snprintf(text, sizeof(text), "# test\n\nvhost_dir = %s/\npcap_dir=%s\n"
		 "iface = lo\nimage_dir = %s\nqemu_user = nobody\n"
		 "idle_timeout = 5\nmax_per_uid = 3\n", f->vhost, f->pcap,
		 f->images);
	write_file(conf, text);
	assert_int_equal(policy_load(&f->p, conf, false, f->why,
				     sizeof(f->why)), 0);
	assert_string_equal(f->p.vhost_dir, f->vhost);
	assert_int_equal(f->p.pcap_dirs.n, 1);
	assert_int_equal(f->p.image_dirs.n, 1);	/* The default replaced. */
	assert_string_equal(f->p.image_dirs.item[0], f->images);
	assert_string_equal(f->p.qemu_user, "nobody");
	assert_int_equal(f->p.idle_timeout, 5);
	assert_int_equal(f->p.max_per_uid, 3);

	write_file(conf, "iface = lo\npcap-dir = /tmp\n");
	assert_int_equal(policy_load(&f->p, conf, false, f->why,
				     sizeof(f->why)), -EINVAL);
	assert_contains(f->why, ":2: unknown key 'pcap-dir'");
	write_file(conf, "iface = a,b\n");
	assert_int_equal(policy_load(&f->p, conf, false, f->why,
				     sizeof(f->why)), -EINVAL);
	assert_contains(f->why, "iface: 'a,b' is not a name");
	write_file(conf, "pcap_dir = relative\n");
	assert_int_equal(policy_load(&f->p, conf, false, f->why,
				     sizeof(f->why)), -EINVAL);
	assert_contains(f->why, "not an absolute directory path");
	/* The default file may be missing; a file given by name may not. */
	snprintf(conf, sizeof(conf), "%s/missing.conf", f->dir);
	assert_int_equal(policy_load(&f->p, conf, true, f->why, sizeof(f->why)), 0);
	assert_string_equal(f->p.vhost_dir, "/run/yard/vhost");
	assert_int_equal(policy_load(&f->p, conf, false, f->why, sizeof(f->why)),
			 -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pcap_file_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcap_sniff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vhost_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vhost_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
