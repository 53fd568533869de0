/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VM launcher (hv-integration/): the QEMU argv builder as a pure
 * function, then the QMP client, the lifecycle, adoption and the accel probe
 * against the installed QEMU. Tests that need QEMU are skipped when
 * qemu-system-x86_64 is not installed; none needs root. Every QEMU started
 * here is killed in the teardown, even when an assertion fails.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hv.h"

/* ---- helpers ---- */

struct fixture {
	char dir[64];			/* mkdtemp: short, for socket paths */
	struct hv_vm *vms[4];		/* killed in teardown */
	unsigned int n_vms;
	pid_t pids[4];			/* raw pids to SIGKILL in teardown */
	unsigned int n_pids;
};

static char last_log[1024];

static void
test_log(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(last_log, sizeof(last_log), "%s", msg);
	fprintf(stderr, "# hv: %s\n", msg);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool
have_qemu(void)
{
	char path[PATH_MAX];
	const char *env = getenv("PATH"), *p;

	for (p = env ? env : "/usr/bin:/bin"; p && *p; ) {
		const char *end = strchrnul(p, ':');

		snprintf(path, sizeof(path), "%.*s/%s", (int)(end - p), p, HV_QEMU_DEFAULT);
		if (access(path, X_OK) == 0)
			return true;
		p = *end ? end + 1 : NULL;
	}
	return false;
}

#define SKIP_WITHOUT_QEMU() do {					\
	if (!have_qemu()) {						\
		fprintf(stderr, "# %s not installed: skipped\n", HV_QEMU_DEFAULT); \
		skip();							\
	}								\
} while (0)

/* The newest /boot/vmlinuz-*, or NULL. */
static const char *
boot_kernel(void)
{
	static char best[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir("/boot");

	best[0] = '\0';
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (strncmp(e->d_name, "vmlinuz-", 8) != 0)
			continue;
		snprintf(path, sizeof(path), "/boot/%s", e->d_name);
		if (access(path, R_OK) == 0 && (best[0] == '\0' || strverscmp(path, best) > 0))
			snprintf(best, sizeof(best), "%s", path);
	}
	closedir(d);
	return best[0] ? best : NULL;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/hvt.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < f->n_vms; i++) {
		if (f->vms[i] == NULL)
			continue;
		hv_vm_kill(f->vms[i], NULL);
		hv_vm_free(f->vms[i]);
	}
	for (i = 0; i < f->n_pids; i++) {
		if (kill(f->pids[i], SIGKILL) == 0)
			waitpid(f->pids[i], NULL, 0);
	}
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Track a VM for the teardown; returns it. */
static struct hv_vm *
track(struct fixture *f, struct hv_vm *vm)
{
	assert_true(f->n_vms < 4);
	f->vms[f->n_vms++] = vm;
	return vm;
}

static void
untrack(struct fixture *f, struct hv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < f->n_vms; i++)
		if (f->vms[i] == vm)
			f->vms[i] = NULL;
}

static void
path_in(const struct fixture *f, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", f->dir, name);
}

static size_t
argc_of(char **argv)
{
	size_t n = 0;

	while (argv[n] != NULL)
		n++;
	return n;
}

/* Index of the value following option `opt` (the n-th occurrence), or -1. */
static int
opt_value(char **argv, const char *opt, int nth)
{
	int i;

	for (i = 0; argv[i] != NULL && argv[i + 1] != NULL; i++)
		if (strcmp(argv[i], opt) == 0 && nth-- == 0)
			return i + 1;
	return -1;
}

static void
assert_argv_eq(char **argv, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(argv[i]);
		if (strcmp(argv[i], want[i]) != 0)
			fprintf(stderr, "# argv[%zu]: got '%s', want '%s'\n", i, argv[i], want[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
}

/* Descriptors open in this process. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Whether the process exists at all (a zombie counts: not reaped). */
static bool
pid_exists(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

/* ---- argv builder (pure) ---- */

static void
test_argv_kernel_tcg_two_nics(void **state)
{
	struct hv_nic nics[2] = {
		{ .socket = "/run/yard/vm1-eth0.sock",
		  .mac = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x01 } },
		{ .socket = "/run/yard/vm1-eth1.sock",
		  .mac = { 0x52, 0x54, 0x00, 0x00, 0x01, 0x02 } },
	};
	struct hv_vm_config cfg = {
		.name = "vm1",
		.state_dir = "/var/lib/yard/vms/vm1",
		.cpus = 2,
		.memory = 256ull << 20,
		.kernel = "/var/lib/yard/guest/vmlinux",
		.initrd = "/var/lib/yard/guest/initramfs.cpio.gz",
		.cmdline = "quiet",
		.extra_args = "ip=10.0.1.11/24",
		.nics = nics,
		.n_nics = 2,
	};
	static const char *const want[] = {
		"qemu-system-x86_64",
		"-name", "guest=vm1",
		"-nodefaults", "-no-user-config", "-nographic",
		"-msg", "timestamp=on",
		"-machine", "q35,memory-backend=mem",
		"-object", "memory-backend-memfd,id=mem,size=268435456,share=on",
		"-m", "256M",
		"-smp", "2",
		"-accel", "tcg,thread=multi",
		"-kernel", "/var/lib/yard/guest/vmlinux",
		"-initrd", "/var/lib/yard/guest/initramfs.cpio.gz",
		"-append", "console=ttyS0 quiet ip=10.0.1.11/24",
		"-chardev", "socket,id=vhu0,path=/run/yard/vm1-eth0.sock,server=on,wait=off",
		"-netdev", "vhost-user,id=net0,chardev=vhu0,queues=1",
		"-device", "virtio-net-pci,id=nic0,netdev=net0,mac=52:54:00:00:01:01,romfile=,vectors=0",
		"-chardev", "socket,id=vhu1,path=/run/yard/vm1-eth1.sock,server=on,wait=off",
		"-netdev", "vhost-user,id=net1,chardev=vhu1,queues=1",
		"-device", "virtio-net-pci,id=nic1,netdev=net1,mac=52:54:00:00:01:02,romfile=,vectors=0",
		"-chardev", "socket,id=serial0,path=/var/lib/yard/vms/vm1/console.sock,server=on,wait=off,"
			"logfile=/var/lib/yard/vms/vm1/console.log,logappend=on",
		"-serial", "chardev:serial0",
		"-qmp", "unix:/var/lib/yard/vms/vm1/qmp.sock,server=on,wait=off",
		"-pidfile", "/var/lib/yard/vms/vm1/qemu.pid",
		"-sandbox", "on,obsolete=deny,spawn=deny,resourcecontrol=deny",
		NULL,
	};
	struct hv_error err = { "" };
	char **argv = NULL, *line;

	(void)state;
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &argv, &err), 0);
	line = hv_argv_str(argv);
	fprintf(stderr, "# %s\n", line);
	free(line);
	assert_argv_eq(argv, want);
	hv_argv_free(argv);
}

static void
test_argv_disk_kvm_mq_client(void **state)
{
	struct hv_nic nic = {
		.socket = "/run/yard/vm2.sock",
		.mac = { 0x02, 0, 0, 0, 0, 9 },
		.queues = 4,
		.qemu_client = true,
	};
	struct hv_vm_config cfg = {
		.name = "vm2", .state_dir = "/s", .disk = "/img/vm2.qcow2",
		.disk_format = HV_DISK_QCOW2, .nics = &nic, .n_nics = 1,
	};
	char **argv = NULL;
	int i;

	(void)state;
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_KVM, &argv, NULL), 0);
	i = opt_value(argv, "-accel", 0);
	assert_string_equal(argv[i], "kvm");
	assert_string_equal(argv[opt_value(argv, "-cpu", 0)], "host");
	assert_string_equal(argv[opt_value(argv, "-drive", 0)],
			    "file=/img/vm2.qcow2,format=qcow2,if=virtio");
	assert_int_equal(opt_value(argv, "-kernel", 0), -1);
	assert_int_equal(opt_value(argv, "-append", 0), -1);
	/* QEMU is the client here: it reconnects to a restarted switch. */
	assert_string_equal(argv[opt_value(argv, "-chardev", 0)],
			    "socket,id=vhu0,path=/run/yard/vm2.sock,reconnect=1");
	assert_string_equal(argv[opt_value(argv, "-netdev", 0)],
			    "vhost-user,id=net0,chardev=vhu0,queues=4");
	/* KVM and mq: MSI-X with a vector per queue + config + control. */
	assert_string_equal(argv[opt_value(argv, "-device", 0)],
			    "virtio-net-pci,id=nic0,netdev=net0,mac=02:00:00:00:00:09,romfile=,mq=on,vectors=10");
	hv_argv_free(argv);

	/* The same NIC under TCG: mq, but never MSI-X. */
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &argv, NULL), 0);
	assert_string_equal(argv[opt_value(argv, "-device", 0)],
			    "virtio-net-pci,id=nic0,netdev=net0,mac=02:00:00:00:00:09,romfile=,mq=on,vectors=0");
	assert_string_equal(argv[opt_value(argv, "-accel", 0)], "tcg,thread=multi");
	assert_int_equal(opt_value(argv, "-cpu", 0), -1);
	hv_argv_free(argv);

	/* KVM with one queue: QEMU's default vectors. */
	nic.queues = 1;
	cfg.disk_format = HV_DISK_RAW;
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_KVM, &argv, NULL), 0);
	assert_string_equal(argv[opt_value(argv, "-device", 0)],
			    "virtio-net-pci,id=nic0,netdev=net0,mac=02:00:00:00:00:09,romfile=");
	assert_string_equal(argv[opt_value(argv, "-drive", 0)],
			    "file=/img/vm2.qcow2,format=raw,if=virtio");
	hv_argv_free(argv);
}

static void
test_argv_share_on_always(void **state)
{
	struct hv_nic nic = { .socket = "/n.sock" };
	struct hv_vm_config cfgs[] = {
		{ .name = "a", .state_dir = "/s", .kernel = "/k" },
		{ .name = "b", .state_dir = "/s", .disk = "/d", .disk_format = HV_DISK_RAW,
		  .nics = &nic, .n_nics = 1, .memory = 1ull << 30 },
		{ .name = "c", .state_dir = "/s", .machine = HV_MACHINE_NONE },
	};
	const char *const sizes[] = { "268435456", "1073741824", "268435456" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		char **argv = NULL, want[128];
		int accel;

		for (accel = HV_ACCEL_KVM; accel <= HV_ACCEL_TCG; accel++) {
			assert_int_equal(hv_qemu_argv(&cfgs[i], accel, &argv, NULL), 0);
			snprintf(want, sizeof(want),
				 "memory-backend-memfd,id=mem,size=%s,share=on", sizes[i]);
			assert_string_equal(argv[opt_value(argv, "-object", 0)], want);
			assert_non_null(strstr(argv[opt_value(argv, "-machine", 0)],
					       ",memory-backend=mem"));
			hv_argv_free(argv);
		}
	}
}

static void
test_argv_commas_escaped(void **state)
{
	struct hv_nic nic = { .socket = "/run/a,b/x.sock" };
	struct hv_vm_config cfg = {
		.name = "vm-c", .state_dir = "/var/v,m", .kernel = "/k,1",
		.initrd = "/i,2", .cmdline = "a=1,2", .disk = "/d,3.img",
		.disk_format = HV_DISK_RAW, .nics = &nic, .n_nics = 1,
	};
	char **argv = NULL;

	(void)state;
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &argv, NULL), 0);
	/* Option syntax: ',' doubled. */
	assert_string_equal(argv[opt_value(argv, "-chardev", 0)],
			    "socket,id=vhu0,path=/run/a,,b/x.sock,server=on,wait=off");
	assert_string_equal(argv[opt_value(argv, "-drive", 0)],
			    "file=/d,,3.img,format=raw,if=virtio");
	assert_string_equal(argv[opt_value(argv, "-chardev", 1)],
			    "socket,id=serial0,path=/var/v,,m/console.sock,server=on,wait=off,"
			    "logfile=/var/v,,m/console.log,logappend=on");
	assert_string_equal(argv[opt_value(argv, "-qmp", 0)],
			    "unix:/var/v,,m/qmp.sock,server=on,wait=off");
	/* Verbatim arguments. */
	assert_string_equal(argv[opt_value(argv, "-kernel", 0)], "/k,1");
	assert_string_equal(argv[opt_value(argv, "-initrd", 0)], "/i,2");
	assert_string_equal(argv[opt_value(argv, "-append", 0)], "console=ttyS0 a=1,2");
	assert_string_equal(argv[opt_value(argv, "-pidfile", 0)], "/var/v,m/qemu.pid");
	hv_argv_free(argv);
}

static void
test_argv_defaults(void **state)
{
	struct hv_nic nics[2] = { { .socket = "/a.sock" }, { .socket = "/b.sock" } };
	struct hv_vm_config cfg = {
		.name = "vm1", .state_dir = "/s", .kernel = "/k",
		.cmdline = "console=hvc0 quiet", .nics = nics, .n_nics = 2,
		.qemu = "/opt/qemu/bin/qemu-system-x86_64",
	};
	char **argv = NULL, **again = NULL;
	const char *dev0, *dev1;

	(void)state;
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &argv, NULL), 0);
	assert_string_equal(argv[0], "/opt/qemu/bin/qemu-system-x86_64");
	assert_string_equal(argv[opt_value(argv, "-smp", 0)], "1");
	assert_string_equal(argv[opt_value(argv, "-m", 0)], "256M");
	/* A console= given: none added. */
	assert_string_equal(argv[opt_value(argv, "-append", 0)], "console=hvc0 quiet");
	/* No MAC given: 52:54:00 + a hash of name and index, stable. */
	dev0 = argv[opt_value(argv, "-device", 0)];
	dev1 = argv[opt_value(argv, "-device", 1)];
	assert_non_null(strstr(dev0, ",mac=52:54:00:"));
	assert_non_null(strstr(dev1, ",mac=52:54:00:"));
	assert_string_not_equal(strstr(dev0, "mac="), strstr(dev1, "mac="));
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &again, NULL), 0);
	assert_string_equal(dev0, again[opt_value(again, "-device", 0)]);
	hv_argv_free(again);
	hv_argv_free(argv);

	/* Neither cmdline nor extra args: the serial console still works. */
	cfg.cmdline = NULL;
	cfg.n_nics = 0;
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &argv, NULL), 0);
	assert_string_equal(argv[opt_value(argv, "-append", 0)], "console=ttyS0");
	assert_int_equal(argc_of(argv), 32);
	hv_argv_free(argv);
}

/* QEMU under seccomp always, and as the given user once its files are open. */
static void
test_argv_sandbox_runas(void **state)
{
	struct hv_vm_config cfg = {
		.name = "vm1", .state_dir = "/s", .kernel = "/k",
	};
	char **argv = NULL;

	(void)state;
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &argv, NULL), 0);
	assert_string_equal(argv[opt_value(argv, "-sandbox", 0)],
			    "on,obsolete=deny,spawn=deny,resourcecontrol=deny");
	for (char **a = argv; *a != NULL; a++)
		assert_string_not_equal(*a, "-runas");
	hv_argv_free(argv);
	cfg.runas = "yard-qemu";
	assert_int_equal(hv_qemu_argv(&cfg, HV_ACCEL_TCG, &argv, NULL), 0);
	assert_string_equal(argv[opt_value(argv, "-runas", 0)], "yard-qemu");
	hv_argv_free(argv);
}

static void
expect_argv_error(struct hv_vm_config *cfg, enum hv_accel accel, int rc,
		  const char *in_msg)
{
	struct hv_error err = { "" };
	char **argv = (char **)1;

	assert_int_equal(hv_qemu_argv(cfg, accel, &argv, &err), rc);
	assert_null(argv);
	if (strstr(err.msg, in_msg) == NULL)
		fprintf(stderr, "# message '%s' lacks '%s'\n", err.msg, in_msg);
	assert_non_null(strstr(err.msg, in_msg));
}

static void
test_argv_errors(void **state)
{
	char long_sock[200], long_dir[120];
	struct hv_nic nic = { .socket = "/n.sock" };
	struct hv_vm_config base = { .name = "vm1", .state_dir = "/s", .kernel = "/k" };
	struct hv_vm_config c;
	char **argv = NULL;

	(void)state;
	memset(long_sock, 'x', sizeof(long_sock));
	long_sock[0] = '/';
	long_sock[150] = '\0';
	memset(long_dir, 'd', sizeof(long_dir));
	long_dir[0] = '/';
	long_dir[100] = '\0';

	c = base;
	expect_argv_error(&c, HV_ACCEL_AUTO, -EINVAL, "'auto' is not resolved");
	c = base; c.kernel = NULL;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "nothing to boot");
	c = base; c.name = "bad name";
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "'bad name' is invalid");
	c = base; c.name = "a=b";
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "'a=b' is invalid");
	c = base; c.state_dir = long_dir;
	expect_argv_error(&c, HV_ACCEL_TCG, -ENAMETOOLONG, "console.sock' is longer than 107");
	long_dir[95] = '\0';		/* 95 + "/console.sock" = 108 */
	expect_argv_error(&c, HV_ACCEL_TCG, -ENAMETOOLONG, "at most 94 bytes");
	long_dir[94] = '\0';
	assert_int_equal(hv_qemu_argv(&c, HV_ACCEL_TCG, &argv, NULL), 0);
	hv_argv_free(argv);
	nic.socket = long_sock;
	c = base; c.nics = &nic; c.n_nics = 1;
	expect_argv_error(&c, HV_ACCEL_TCG, -ENAMETOOLONG, "is 150 bytes, more than 107");
	nic.socket = "/n.sock";
	nic.queues = HV_QUEUES_MAX + 1;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "33 queues");
	nic.queues = 1;
	nic.mac[0] = 0x01;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "01:00:00:00:00:00 is a multicast");
	nic.mac[0] = 0;
	c = base; c.kernel = NULL; c.disk = "/d"; c.extra_args = "ip=1.2.3.4";
	c.disk_format = HV_DISK_RAW;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "need a kernel");
	c.extra_args = NULL; c.disk_format = HV_DISK_AUTO;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "format of disk '/d' is not resolved");
	c = base; c.memory = (256ull << 20) + 1;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "268435457 bytes is not a multiple");
	c = base; c.cpus = HV_CPUS_MAX + 1;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "256 CPUs");
	c = base; c.machine = HV_MACHINE_NONE; c.kernel = NULL; c.nics = &nic; c.n_nics = 1;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "machine 'none' runs no guest");
	c = base; c.n_nics = HV_NICS_MAX + 1; c.nics = &nic;
	expect_argv_error(&c, HV_ACCEL_TCG, -EINVAL, "9 NICs");
}

static void
test_argv_str_quoting(void **state)
{
	char *argv[] = { "qemu", "-append", "console=ttyS0 ip=1.2.3.4", "it's",
			 "", "-machine", "q35,memory-backend=mem", NULL };
	char *s = hv_argv_str(argv);

	(void)state;
	assert_string_equal(s, "qemu -append 'console=ttyS0 ip=1.2.3.4' 'it'\\''s' '' "
			    "-machine q35,memory-backend=mem");
	free(s);
}

static void
test_disk_format_probe(void **state)
{
	struct fixture *f = *state;
	static const unsigned char qcow2[] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
	char path[128];
	enum hv_disk_format fmt = HV_DISK_AUTO;
	struct hv_error err = { "" };
	int fd;

	path_in(f, "a.qcow2", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, qcow2, sizeof(qcow2)), (int)sizeof(qcow2));
	close(fd);
	assert_int_equal(hv_disk_format_probe(path, &fmt, NULL), 0);
	assert_int_equal(fmt, HV_DISK_QCOW2);

	/* A name says nothing: a raw image called .qcow2 is raw. */
	path_in(f, "b.qcow2", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\xeb\x63\x90\x00", 4), 4);
	close(fd);
	assert_int_equal(hv_disk_format_probe(path, &fmt, NULL), 0);
	assert_int_equal(fmt, HV_DISK_RAW);

	/* Shorter than the magic: raw. */
	path_in(f, "c.img", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(hv_disk_format_probe(path, &fmt, NULL), 0);
	assert_int_equal(fmt, HV_DISK_RAW);

	path_in(f, "missing.img", path, sizeof(path));
	assert_int_equal(hv_disk_format_probe(path, &fmt, &err), -ENOENT);
	assert_non_null(strstr(err.msg, path));
}

/* ---- QMP client ---- */

static void
test_qmp_client(void **state)
{
	struct fixture *f = *state;
	struct hv_vm_config cfg = { .name = "qmp", .machine = HV_MACHINE_NONE,
				    .accel = HV_ACCEL_TCG, .memory = 16ull << 20 };
	struct hv_error err = { "" };
	struct hv_qmp *q = NULL;
	struct hv_vm *vm = NULL;
	json_t *ret = NULL;
	char qmp[128], fake[128];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t t0;
	int lfd;

	SKIP_WITHOUT_QEMU();
	cfg.state_dir = f->dir;
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	track(f, vm);
	path_in(f, HV_FILE_QMP, qmp, sizeof(qmp));

	assert_int_equal(hv_qmp_connect(qmp, 2000, &q, &err), 0);
	assert_int_equal(hv_qmp_command(q, "query-version", NULL, 2000, &ret, &err), 0);
	assert_true(json_is_integer(json_object_get(json_object_get(ret, "qemu"), "major")));
	json_decref(ret);
	/* "stop" emits a STOP event around its answer: skipped. */
	assert_int_equal(hv_qmp_command(q, "stop", NULL, 2000, NULL, &err), 0);
	assert_int_equal(hv_qmp_command(q, "query-status", NULL, 2000, &ret, &err), 0);
	assert_string_equal(json_string_value(json_object_get(ret, "status")), "paused");
	json_decref(ret);
	assert_int_equal(hv_qmp_command(q, "cont", NULL, 2000, NULL, &err), 0);
	/* Arguments are passed; QEMU's errors come back with their class. */
	assert_int_equal(hv_qmp_command(q, "qom-get", json_pack("{s:s, s:s}", "path", "/machine",
								 "property", "no-such-prop"),
					2000, &ret, &err), -EREMOTEIO);
	assert_null(ret);
	assert_non_null(strstr(err.msg, "GenericError"));
	assert_int_equal(hv_qmp_command(q, "no-such-command", NULL, 2000, &ret, &err), -EREMOTEIO);
	assert_non_null(strstr(err.msg, "CommandNotFound"));
	hv_qmp_close(q);

	/* Nothing listening. */
	path_in(f, "nobody.sock", fake, sizeof(fake));
	assert_int_equal(hv_qmp_connect(fake, 500, &q, &err), -ENOENT);
	assert_null(q);
	/* A listener that never greets: bounded by the timeout. */
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	memcpy(sa.sun_path, fake, strlen(fake) + 1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	t0 = now_ms();
	assert_int_equal(hv_qmp_connect(fake, 300, &q, &err), -ETIMEDOUT);
	assert_true(now_ms() - t0 >= 290 && now_ms() - t0 < 1500);
	close(lfd);

	assert_int_equal(hv_vm_stop(vm, 0, NULL, &err), 0);
}

/* ---- lifecycle ---- */

static void
test_vm_lifecycle(void **state)
{
	struct fixture *f = *state;
	struct hv_vm_config cfg = { .name = "life", .machine = HV_MACHINE_NONE,
				    .accel = HV_ACCEL_TCG, .memory = 16ull << 20 };
	struct hv_error err = { "" };
	struct hv_vm *vm = NULL, *again = NULL;
	enum hv_vm_state st;
	enum hv_stop_how how;
	struct hv_qmp *q;
	char path[128], dir[96];
	uint64_t t0;
	pid_t pid;
	int status, fds;

	SKIP_WITHOUT_QEMU();
	fds = count_fds();
	/* The state directory is created, parents included. */
	snprintf(dir, sizeof(dir), "%s/vms/life", f->dir);
	cfg.state_dir = dir;
	t0 = now_ms();
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	track(f, vm);
	fprintf(stderr, "# start (machine none): %llu ms\n", (unsigned long long)(now_ms() - t0));
	pid = hv_vm_pid(vm);
	assert_true(pid > 0);
	assert_string_equal(hv_vm_name(vm), "life");
	assert_int_equal(hv_vm_accel(vm), HV_ACCEL_TCG);
	snprintf(path, sizeof(path), "%s/%s", dir, HV_FILE_CONSOLE);
	assert_string_equal(hv_vm_console_path(vm), path);
	snprintf(path, sizeof(path), "%s/%s", dir, HV_FILE_PID);
	assert_int_equal(access(path, R_OK), 0);

	/* QEMU is in a session of its own: a signal to ours does not reach it. */
	assert_int_equal(getsid(pid), pid);

	assert_int_equal(hv_vm_status(vm, 0, &st, &err), 0);
	assert_int_equal(st, HV_VM_RUNNING);
	snprintf(path, sizeof(path), "%s/%s", dir, HV_FILE_QMP);
	assert_int_equal(hv_qmp_connect(path, 2000, &q, &err), 0);
	assert_int_equal(hv_qmp_command(q, "stop", NULL, 2000, NULL, &err), 0);
	hv_qmp_close(q);
	assert_int_equal(hv_vm_status(vm, 0, &st, &err), 0);
	assert_int_equal(st, HV_VM_PAUSED);
	assert_string_equal(hv_vm_state_str(st), "paused");

	/* One QEMU per state directory. */
	assert_int_equal(hv_vm_start(&cfg, &again, &err), -EEXIST);
	assert_null(again);
	assert_non_null(strstr(err.msg, "already running"));

	/* machine none ignores system_powerdown: quit ends it. */
	t0 = now_ms();
	assert_int_equal(hv_vm_stop(vm, 300, &how, &err), 0);
	fprintf(stderr, "# stop: %llu ms\n", (unsigned long long)(now_ms() - t0));
	assert_int_equal(how, HV_STOP_QUIT);
	assert_false(pid_exists(pid));			/* gone and reaped */
	assert_int_equal(waitpid(pid, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(access(path, F_OK), -1);	/* qmp.sock removed */
	assert_int_equal(hv_vm_status(vm, 0, &st, &err), 0);
	assert_int_equal(st, HV_VM_GONE);
	assert_int_equal(hv_vm_stop(vm, 0, &how, &err), 0);
	assert_int_equal(how, HV_STOP_GONE);
	untrack(f, vm);
	hv_vm_free(vm);

	/* Kill, and a QEMU that dies on its own is seen gone and reaped. */
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	track(f, vm);
	pid = hv_vm_pid(vm);
	assert_int_equal(kill(pid, SIGTERM), 0);
	for (t0 = now_ms(); now_ms() - t0 < 5000; ) {
		assert_int_equal(hv_vm_status(vm, 0, &st, &err), 0);
		if (st == HV_VM_GONE)
			break;
		usleep(20000);
	}
	assert_int_equal(st, HV_VM_GONE);
	assert_false(pid_exists(pid));
	assert_int_equal(hv_vm_kill(vm, &err), 0);
	untrack(f, vm);
	hv_vm_free(vm);
	assert_int_equal(count_fds(), fds);	/* nothing leaked */
}

static void
test_vm_adopt(void **state)
{
	struct fixture *f = *state;
	struct hv_vm_config cfg = { .name = "adopt", .machine = HV_MACHINE_NONE,
				    .accel = HV_ACCEL_TCG, .memory = 16ull << 20 };
	struct hv_error err = { "" };
	struct hv_vm *vm = NULL, *other = NULL;
	enum hv_vm_state st;
	char dir2[96];
	pid_t pid;
	int fds;

	SKIP_WITHOUT_QEMU();
	fds = count_fds();
	cfg.state_dir = f->dir;
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	pid = hv_vm_pid(vm);
	f->pids[f->n_pids++] = pid;
	hv_vm_free(vm);			/* forget it: QEMU keeps running */
	vm = NULL;
	assert_true(pid_exists(pid));

	/* Not ours: another name, another directory, no directory. */
	assert_int_equal(hv_vm_adopt("someone", f->dir, 0, &vm, &err), -ESRCH);
	assert_null(vm);
	assert_non_null(strstr(err.msg, "without -name guest=someone"));
	snprintf(dir2, sizeof(dir2), "%s/empty", f->dir);
	assert_int_equal(mkdir(dir2, 0700), 0);
	assert_int_equal(hv_vm_adopt("adopt", dir2, 0, &vm, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no QEMU to adopt"));
	assert_int_equal(hv_vm_adopt("adopt", "/nonexistent/dir", 0, &vm, &err), -ENOENT);
	assert_true(pid_exists(pid));		/* untouched by all that */

	assert_int_equal(hv_vm_adopt("adopt", f->dir, 0, &vm, &err), 0);
	track(f, vm);
	assert_int_equal(hv_vm_pid(vm), pid);
	assert_int_equal(hv_vm_accel(vm), HV_ACCEL_TCG);
	assert_int_equal(hv_vm_status(vm, 0, &st, &err), 0);
	assert_int_equal(st, HV_VM_RUNNING);
	/* Adopting twice is harmless (per-operation QMP connections). */
	assert_int_equal(hv_vm_adopt("adopt", f->dir, 0, &other, &err), 0);
	hv_vm_free(other);

	assert_int_equal(hv_vm_stop(vm, 0, NULL, &err), 0);
	assert_false(pid_exists(pid));		/* still our child: reaped */
	untrack(f, vm);
	hv_vm_free(vm);
	f->n_pids = 0;
	assert_int_equal(count_fds(), fds);
}

static void
test_vm_outlives_launcher(void **state)
{
	struct fixture *f = *state;
	struct hv_vm_config cfg = { .name = "orphan", .machine = HV_MACHINE_NONE,
				    .accel = HV_ACCEL_TCG, .memory = 16ull << 20 };
	struct hv_error err = { "" };
	struct hv_vm *vm = NULL;
	enum hv_vm_state st;
	pid_t launcher, pid;
	int status;

	SKIP_WITHOUT_QEMU();
	/* Orphans come to us, not to an init that may not reap them. */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	cfg.state_dir = f->dir;
	launcher = fork();
	assert_true(launcher >= 0);
	if (launcher == 0) {
		/* A yardd that starts a VM and dies without a word. */
		_exit(hv_vm_start(&cfg, &vm, NULL) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(launcher, &status, 0), launcher);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(hv_vm_adopt("orphan", f->dir, 0, &vm, &err), 0);
	track(f, vm);
	pid = hv_vm_pid(vm);
	assert_int_not_equal(pid, launcher);
	assert_int_equal(hv_vm_status(vm, 0, &st, &err), 0);
	assert_int_equal(st, HV_VM_RUNNING);
	if (hv_vm_fd(vm) < 0)
		fprintf(stderr, "# no pidfd here: exit seen through /proc\n");
	assert_int_equal(hv_vm_stop(vm, 0, NULL, &err), 0);
	assert_false(pid_exists(pid));		/* reaped through its pidfd */
	untrack(f, vm);
	hv_vm_free(vm);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

static void
test_vm_start_failures(void **state)
{
	struct fixture *f = *state;
	struct hv_nic nic = { 0 };
	struct hv_vm_config cfg = { .name = "bad", .accel = HV_ACCEL_TCG,
				    .memory = 64ull << 20 };
	struct hv_error err = { "" };
	struct hv_vm *vm = NULL;
	char dir[96], sock[128], script[128], kernel[128];
	uint64_t t0;
	FILE *fp;

	SKIP_WITHOUT_QEMU();
	snprintf(dir, sizeof(dir), "%s/bad", f->dir);
	cfg.state_dir = dir;

	/* QEMU missing. */
	cfg.kernel = "/nonexistent/vmlinuz";
	cfg.qemu = "/nonexistent/qemu-system-x86_64";
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/qemu-system-x86_64"));
	cfg.qemu = NULL;

	/* QEMU refuses: its own words come back. */
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), -ECHILD);
	fprintf(stderr, "# %s\n", err.msg);
	assert_null(vm);
	assert_non_null(strstr(err.msg, "exited with status 1"));
	assert_non_null(strstr(err.msg, "/nonexistent/vmlinuz"));

	/* A vhost-user NIC nobody connects to: QEMU never finishes starting. */
	snprintf(kernel, sizeof(kernel), "%s/k", f->dir);
	fp = fopen(kernel, "w");
	assert_non_null(fp);
	fputs("not a kernel, never read: QEMU blocks on the NIC first\n", fp);
	fclose(fp);
	cfg.kernel = kernel;
	snprintf(sock, sizeof(sock), "%s/eth0.sock", f->dir);
	nic.socket = sock;
	cfg.nics = &nic;
	cfg.n_nics = 1;
	cfg.start_timeout_ms = 1500;
	t0 = now_ms();
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), -ETIMEDOUT);
	fprintf(stderr, "# %s\n", err.msg);
	assert_true(now_ms() - t0 < 1500 + 3000);
	assert_non_null(strstr(err.msg, sock));
	assert_non_null(strstr(err.msg, "program its port first"));
	/* Nothing left behind: no pid file of a live QEMU. */
	assert_int_equal(hv_vm_adopt("bad", dir, 500, &vm, &err), -ENOENT);

	/* The userspace-virtio fallback is fatal (a wrapper prints it). */
	snprintf(script, sizeof(script), "%s/qemu-system-x86_64", f->dir);
	fp = fopen(script, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n"
		"echo 'qemu-system-x86_64: unable to start vhost net: 14: falling back on userspace virtio' >&2\n"
		"exec %s \"$@\"\n", HV_QEMU_DEFAULT);
	fclose(fp);
	assert_int_equal(chmod(script, 0755), 0);
	cfg.qemu = script;
	cfg.kernel = NULL;
	cfg.n_nics = 0;
	cfg.machine = HV_MACHINE_NONE;
	cfg.start_timeout_ms = 0;
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), -EPROTO);
	fprintf(stderr, "# %s\n", err.msg);
	assert_non_null(strstr(err.msg, "falling back on userspace virtio"));
	assert_int_equal(hv_vm_adopt("bad", dir, 500, &vm, &err), -ENOENT);
}

static void
test_vm_fds_not_inherited(void **state)
{
	struct fixture *f = *state;
	struct hv_vm_config cfg = { .name = "fds", .machine = HV_MACHINE_NONE,
				    .accel = HV_ACCEL_TCG, .memory = 16ull << 20 };
	struct hv_error err = { "" };
	struct hv_vm *vm = NULL;
	char marker[128], fddir[64], link[PATH_MAX], target[PATH_MAX], log[128];
	struct dirent *e;
	DIR *d;
	int leak, n_fds = 0;

	SKIP_WITHOUT_QEMU();
	cfg.state_dir = f->dir;
	/* A descriptor the caller forgot to make close-on-exec. */
	path_in(f, "leak-marker", marker, sizeof(marker));
	leak = open(marker, O_WRONLY | O_CREAT, 0600);
	assert_true(leak >= 0);
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	track(f, vm);
	close(leak);

	path_in(f, HV_FILE_LOG, log, sizeof(log));
	snprintf(fddir, sizeof(fddir), "/proc/%d/fd", (int)hv_vm_pid(vm));
	d = opendir(fddir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", fddir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		n_fds++;
		assert_string_not_equal(target, marker);
		if (strcmp(e->d_name, "0") == 0)
			assert_string_equal(target, "/dev/null");
		if (strcmp(e->d_name, "2") == 0)
			assert_string_equal(target, log);
	}
	closedir(d);
	fprintf(stderr, "# QEMU holds %d descriptors\n", n_fds);
	assert_int_equal(hv_vm_stop(vm, 0, NULL, &err), 0);
}

static void
test_console_kernel_boot(void **state)
{
	struct fixture *f = *state;
	struct hv_vm_config cfg = { .name = "boot", .accel = HV_ACCEL_TCG,
				    .memory = 128ull << 20, .extra_args = "panic=-1" };
	struct hv_error err = { "" };
	struct hv_vm *vm = NULL;
	enum hv_stop_how how;
	char buf[4096], *text = NULL, prev[128], sock[128], buf2[4096];
	static char sock_text[1 << 20];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0, sock_len = 0;
	int cfd;
	uint64_t off = 0, t0;
	pid_t pid;

	SKIP_WITHOUT_QEMU();
	cfg.kernel = boot_kernel();
	if (cfg.kernel == NULL) {
		fprintf(stderr, "# no /boot/vmlinuz-*: skipped\n");
		skip();
	}
	cfg.state_dir = f->dir;
	assert_int_equal(hv_console_read(f->dir, 0, buf, sizeof(buf)), -ENOENT);
	t0 = now_ms();
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	track(f, vm);
	pid = hv_vm_pid(vm);
	/* The interactive console carries the same output. */
	path_in(f, HV_FILE_CONSOLE_SOCKET, sock, sizeof(sock));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(cfd >= 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* Follow the log as `yardctl vm log` / `console` do. */
	while (now_ms() - t0 < 90000) {
		ssize_t n = hv_console_read(f->dir, off, buf, sizeof(buf));
		ssize_t m;

		while ((m = read(cfd, buf2, sizeof(buf2) - 1)) > 0) {
			buf2[m] = '\0';
			if (sock_len + (size_t)m < sizeof(sock_text)) {
				memcpy(sock_text + sock_len, buf2, (size_t)m + 1);
				sock_len += (size_t)m;
			}
		}
		assert_true(n >= 0);
		if (n == 0) {
			if (text != NULL && strstr(text, "Linux version") != NULL &&
			    strstr(sock_text, "Linux version") != NULL)
				break;
			usleep(50000);
			continue;
		}
		text = realloc(text, len + (size_t)n + 1);
		memcpy(text + len, buf, (size_t)n);
		len += (size_t)n;
		text[len] = '\0';
		off += (uint64_t)n;
	}
	assert_non_null(text);
	assert_non_null(strstr(text, "Linux version"));
	fprintf(stderr, "# TCG: kernel banner on the serial log after %llu ms\n",
		(unsigned long long)(now_ms() - t0));
	assert_non_null(strstr(text, "panic=-1"));	/* extra args reached the kernel */
	assert_non_null(strstr(sock_text, "Linux version"));
	close(cfd);
	assert_int_equal(hv_console_read(f->dir, off + 1000000, buf, sizeof(buf)), -ERANGE);
	free(text);

	assert_int_equal(hv_vm_stop(vm, 500, &how, &err), 0);
	assert_true(how == HV_STOP_POWERDOWN || how == HV_STOP_QUIT);
	assert_false(pid_exists(pid));
	/* The log outlives the VM; a new start keeps it as console.log.1. */
	assert_true(hv_console_read(f->dir, 0, buf, sizeof(buf)) > 0);
	untrack(f, vm);
	hv_vm_free(vm);
	cfg.kernel = NULL;
	cfg.extra_args = NULL;
	cfg.machine = HV_MACHINE_NONE;
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	track(f, vm);
	path_in(f, HV_FILE_CONSOLE ".1", prev, sizeof(prev));
	assert_int_equal(access(prev, R_OK), 0);
	assert_int_equal(hv_console_read(f->dir, 0, buf, sizeof(buf)), 0);
	assert_int_equal(hv_vm_stop(vm, 0, NULL, &err), 0);
}

/* ---- accelerator probe ---- */

static bool
cpu_has_virt(void)
{
	char line[4096];
	bool found = false;
	FILE *fp = fopen("/proc/cpuinfo", "re");

	if (fp == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "flags", 5) == 0)
			found = strstr(line, " vmx") != NULL || strstr(line, " svm") != NULL;
	fclose(fp);
	return found;
}

static void
test_accel_probe(void **state)
{
	struct fixture *f = *state;
	struct hv_probe_opts o = { .kvm_dev = "/nonexistent/kvm" };
	struct hv_probe_result r, r2;
	struct hv_error err = { "" };
	char cache[128];
	FILE *fp;

	/* No KVM device: TCG at once, whatever else. */
	assert_int_equal(hv_accel_probe(&o, &r, &err), 0);
	assert_int_equal(r.accel, HV_ACCEL_TCG);
	assert_false(r.cached);
	assert_true(r.elapsed_ms < 100);
	assert_non_null(strstr(r.reason, "cannot open /nonexistent/kvm"));

	SKIP_WITHOUT_QEMU();
	path_in(f, "accel.json", cache, sizeof(cache));
	o = (struct hv_probe_opts){ .cache_path = cache };
	assert_int_equal(hv_accel_probe(&o, &r, &err), 0);
	fprintf(stderr, "# accel probe: %s in %u ms: %s\n", hv_accel_str(r.accel),
		r.elapsed_ms, r.reason);
	assert_false(r.cached);
	assert_true(r.elapsed_ms <= HV_PROBE_TIMEOUT_DEFAULT_MS + 1500);
	if (!cpu_has_virt())		/* no VMX/SVM: KVM cannot boot anything */
		assert_int_equal(r.accel, HV_ACCEL_TCG);

	if (access("/dev/kvm", R_OK | W_OK) == 0) {
		/* The verdict was cached; the second call is immediate. */
		assert_int_equal(hv_accel_probe(&o, &r2, &err), 0);
		fprintf(stderr, "# accel probe again: %s in %u ms (cached: %d)\n",
			hv_accel_str(r2.accel), r2.elapsed_ms, r2.cached);
		assert_true(r2.cached);
		assert_int_equal(r2.accel, r.accel);
		assert_string_equal(r2.reason, r.reason);
		assert_true(r2.elapsed_ms < 100);

		/* A verdict from another boot of the host is not trusted. */
		fp = fopen(cache, "w");
		assert_non_null(fp);
		fputs("{\"accel\": \"kvm\", \"reason\": \"old\", \"boot_id\": \"x\"}\n", fp);
		fclose(fp);
		assert_int_equal(hv_accel_probe(&o, &r2, &err), 0);
		assert_false(r2.cached);
		assert_int_equal(r2.accel, r.accel);

		/* A missing QEMU is an error, not a verdict. */
		unlink(cache);
		o.qemu = "/nonexistent/qemu";
		assert_int_equal(hv_accel_probe(&o, &r2, &err), -ENOENT);
	}
}

/* A "QEMU" that runs the real one with its arguments rewritten by sed-like
 * case arms, or runs something else entirely. */
static void
write_wrapper(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n%s", body);
	fclose(fp);
	assert_int_equal(chmod(path, 0755), 0);
}

static void
test_accel_probe_verdicts(void **state)
{
	struct fixture *f = *state;
	struct hv_probe_opts o = { 0 };
	struct hv_probe_result r;
	struct hv_error err = { "" };
	char wrapper[128], argv_log[128], script[512], line[1024];
	uint64_t t0;
	FILE *fp;

	SKIP_WITHOUT_QEMU();
	o.kernel = boot_kernel();
	if (o.kernel == NULL || access("/dev/kvm", R_OK | W_OK) != 0) {
		fprintf(stderr, "# no /boot/vmlinuz-* or no usable /dev/kvm: skipped\n");
		skip();
	}
	path_in(f, "qemu-system-x86_64", wrapper, sizeof(wrapper));
	o.qemu = wrapper;

	/* A KVM that works, played by TCG: the kernel reaches the end of its
	 * init on the probe's serial pipe, and the verdict is KVM. */
	path_in(f, "probe-argv", argv_log, sizeof(argv_log));
	snprintf(script, sizeof(script),
		 "echo \"$*\" > %s\n"
		 "for a do\n"
		 "  shift\n"
		 "  case \"$a\" in kvm) a=tcg ;; host) a=max ;; esac\n"
		 "  set -- \"$@\" \"$a\"\n"
		 "done\n"
		 "exec " HV_QEMU_DEFAULT " \"$@\"\n", argv_log);
	write_wrapper(wrapper, script);
	o.timeout_ms = 60000;
	o.runas = "nobody";
	assert_int_equal(hv_accel_probe(&o, &r, &err), 0);
	fprintf(stderr, "# KVM played by TCG: %s in %u ms: %s\n", hv_accel_str(r.accel),
		r.elapsed_ms, r.reason);
	assert_int_equal(r.accel, HV_ACCEL_KVM);
	assert_non_null(strstr(r.reason, o.kernel));
	/* The probe QEMU is confined as the VMs' is. */
	fp = fopen(argv_log, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	assert_non_null(strstr(line, "-sandbox on,obsolete=deny,spawn=deny"));
	assert_non_null(strstr(line, "-runas nobody"));
	o.runas = NULL;

	/* A KVM that hangs: TCG when the bound is reached, the hung process
	 * killed and reaped. */
	write_wrapper(wrapper, "exec sleep 30\n");
	o.timeout_ms = 700;
	t0 = now_ms();
	assert_int_equal(hv_accel_probe(&o, &r, &err), 0);
	fprintf(stderr, "# hung KVM: %s in %u ms: %s\n", hv_accel_str(r.accel),
		r.elapsed_ms, r.reason);
	assert_int_equal(r.accel, HV_ACCEL_TCG);
	assert_non_null(strstr(r.reason, "did not boot under KVM within 700 ms"));
	assert_true(now_ms() - t0 >= 700 && now_ms() - t0 < 700 + 1500);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);	/* no child left */
	assert_int_equal(errno, ECHILD);
}

static void
test_start_auto_accel(void **state)
{
	struct fixture *f = *state;
	struct hv_vm_config cfg = { .name = "auto", .machine = HV_MACHINE_NONE,
				    .accel = HV_ACCEL_AUTO, .memory = 16ull << 20 };
	struct hv_error err = { "" };
	struct hv_vm *vm = NULL;
	char cache[128];

	SKIP_WITHOUT_QEMU();
	path_in(f, "accel.json", cache, sizeof(cache));
	cfg.state_dir = f->dir;
	cfg.accel_cache = cache;
	assert_int_equal(hv_vm_start(&cfg, &vm, &err), 0);
	track(f, vm);
	if (!cpu_has_virt())
		assert_int_equal(hv_vm_accel(vm), HV_ACCEL_TCG);
	assert_int_equal(hv_vm_stop(vm, 0, NULL, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv_kernel_tcg_two_nics),
		cmocka_unit_test(test_argv_disk_kvm_mq_client),
		cmocka_unit_test(test_argv_share_on_always),
		cmocka_unit_test(test_argv_commas_escaped),
		cmocka_unit_test(test_argv_defaults),
		cmocka_unit_test(test_argv_sandbox_runas),
		cmocka_unit_test(test_argv_errors),
		cmocka_unit_test(test_argv_str_quoting),
		cmocka_unit_test_setup_teardown(test_disk_format_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qmp_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_adopt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_outlives_launcher, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_start_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_fds_not_inherited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_kernel_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accel_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accel_probe_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_auto_accel, setup, teardown),
	};

	hv_log_set(test_log, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
