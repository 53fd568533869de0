/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * QEMU's command line for a VM (pure: no I/O but hv_disk_format_probe()).
 *
 * Choices that are not obvious from the header:
 * - The guest RAM is one memfd backend given to the machine
 *   (memory-backend=), shared: vhost-user backends map it, and without
 *   share=on QEMU only warns and the NIC carries nothing.
 * - Under TCG the NIC gets vectors=0 (INTx): QEMU 7.2 dereferences a NULL
 *   vector_irqfd and segfaults when a vhost-user virtio-net-pci uses MSI-X
 *   without KVM. Under KVM, multiqueue needs 2 * queues + 2 vectors (one
 *   per queue, config, control queue) for the guest to spread its queues.
 * - romfile= on the NIC: booting a kernel needs no iPXE ROM, and Debian's
 *   QEMU fails to start when ipxe-qemu is not installed.
 * - QEMU's option syntax ("key=value,key=value") reads ',,' as a literal
 *   comma; paths inside such values are escaped. -kernel, -initrd, -append
 *   and -pidfile take their argument verbatim.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv_priv.h"

/* A growing argv. `failed` sticks once an allocation failed. */
struct argv_buf {
	char **v;
	size_t n, cap;
	bool failed;
};

static void
argv_push_owned(struct argv_buf *a, char *s)
{
	if (a->failed || s == NULL) {
		a->failed = true;
		free(s);
		return;
	}
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL) {
			a->failed = true;
			free(s);
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void
argv_push(struct argv_buf *a, const char *s)
{
	argv_push_owned(a, strdup(s));
}

static void __attribute__((format(printf, 2, 3)))
argv_pushf(struct argv_buf *a, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	argv_push_owned(a, s);
}

/* A value for QEMU's option syntax: ',' doubled. malloc'd. */
static char *
opt_escape(const char *s)
{
	size_t n = strlen(s), commas = 0, i, j;
	char *out;

	for (i = 0; i < n; i++)
		commas += s[i] == ',';
	out = malloc(n + commas + 1);
	if (out == NULL)
		return NULL;
	for (i = 0, j = 0; i < n; i++) {
		out[j++] = s[i];
		if (s[i] == ',')
			out[j++] = ',';
	}
	out[j] = '\0';
	return out;
}

void
hv_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

bool
hv_name_valid(const char *name)
{
	size_t i, n;

	if (name == NULL)
		return false;
	n = strlen(name);
	if (n == 0 || n >= HV_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

const char *
hv_accel_str(enum hv_accel accel)
{
	switch (accel) {
	case HV_ACCEL_AUTO: return "auto";
	case HV_ACCEL_KVM: return "kvm";
	case HV_ACCEL_TCG: return "tcg";
	}
	return "?";
}

static bool
is_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* Whether `s` has a word starting with "console=". */
static bool
has_console(const char *s)
{
	const char *p;

	for (p = s; p != NULL && (p = strstr(p, "console=")) != NULL; p++)
		if (p == s || p[-1] == ' ' || p[-1] == '\t')
			return true;
	return false;
}

/* The kernel command line: [console=ttyS0] cmdline extra. NULL on ENOMEM. */
static char *
kernel_append(const struct hv_vm_config *cfg)
{
	const char *parts[3];
	size_t len = 1;
	int n = 0, i;
	char *out;

	if (!has_console(cfg->cmdline) && !has_console(cfg->extra_args))
		parts[n++] = "console=ttyS0";
	if (!is_empty(cfg->cmdline))
		parts[n++] = cfg->cmdline;
	if (!is_empty(cfg->extra_args))
		parts[n++] = cfg->extra_args;
	for (i = 0; i < n; i++)
		len += strlen(parts[i]) + 1;
	out = malloc(len);
	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, parts[i]);
	}
	return out;
}

/* A stable, locally unique MAC for a NIC given none: 52:54:00 + hash. */
static void
derive_mac(const char *name, unsigned int index, uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	const char *p;

	for (p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	h = (h ^ (uint8_t)('0' + index)) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

int
hv_config_check_id(const struct hv_vm_config *cfg, struct hv_error *err)
{
	if (cfg == NULL)
		return hv_err(err, -EINVAL, "no VM configuration");
	if (!hv_name_valid(cfg->name))
		return hv_err(err, -EINVAL,
			      "VM name '%s' is invalid: 1-%d characters of [A-Za-z0-9._-], starting with a letter or digit",
			      cfg->name ? cfg->name : "(null)", HV_NAME_MAX - 1);
	if (is_empty(cfg->state_dir))
		return hv_err(err, -EINVAL, "VM '%s': no state directory", cfg->name);
	return 0;
}

static int
check_config(const struct hv_vm_config *cfg, enum hv_accel accel,
	     struct hv_error *err)
{
	unsigned int i;
	int rc;

	rc = hv_config_check_id(cfg, err);
	if (rc < 0)
		return rc;
	/* console.sock is the longest of the sockets in the state directory. */
	if (strlen(cfg->state_dir) + 1 + strlen(HV_FILE_CONSOLE_SOCKET) > HV_SOCKET_PATH_MAX)
		return hv_err(err, -ENAMETOOLONG,
			      "VM '%s': socket path '%s/%s' is longer than %d bytes, the limit of a unix socket: use a state directory of at most %zu bytes",
			      cfg->name, cfg->state_dir, HV_FILE_CONSOLE_SOCKET, HV_SOCKET_PATH_MAX,
			      HV_SOCKET_PATH_MAX - 1 - strlen(HV_FILE_CONSOLE_SOCKET));
	if (accel != HV_ACCEL_KVM && accel != HV_ACCEL_TCG)
		return hv_err(err, -EINVAL,
			      "VM '%s': accelerator '%s' is not resolved: give kvm or tcg (hv_accel_probe() decides auto)",
			      cfg->name, hv_accel_str(accel));
	if (cfg->cpus > HV_CPUS_MAX)
		return hv_err(err, -EINVAL, "VM '%s': %u CPUs, at most %d",
			      cfg->name, cfg->cpus, HV_CPUS_MAX);
	if (cfg->memory % (1u << 20) != 0)
		return hv_err(err, -EINVAL,
			      "VM '%s': memory %llu bytes is not a multiple of 1 MiB",
			      cfg->name, (unsigned long long)cfg->memory);
	if (cfg->n_nics > HV_NICS_MAX || (cfg->n_nics > 0 && cfg->nics == NULL))
		return hv_err(err, -EINVAL, "VM '%s': %u NICs, at most %d",
			      cfg->name, cfg->n_nics, HV_NICS_MAX);
	if (cfg->machine == HV_MACHINE_NONE) {
		if (!is_empty(cfg->kernel) || !is_empty(cfg->disk) || cfg->n_nics)
			return hv_err(err, -EINVAL,
				      "VM '%s': machine 'none' runs no guest: no kernel, disk or NIC",
				      cfg->name);
		return 0;
	}
	if (cfg->machine != HV_MACHINE_Q35)
		return hv_err(err, -EINVAL, "VM '%s': unknown machine %d",
			      cfg->name, (int)cfg->machine);
	if (is_empty(cfg->kernel) && is_empty(cfg->disk))
		return hv_err(err, -EINVAL,
			      "VM '%s': nothing to boot: give a kernel or a disk",
			      cfg->name);
	if (is_empty(cfg->kernel) &&
	    (!is_empty(cfg->initrd) || !is_empty(cfg->cmdline) ||
	     !is_empty(cfg->extra_args)))
		return hv_err(err, -EINVAL,
			      "VM '%s': initrd, cmdline and kernel arguments need a kernel (a disk boots its own)",
			      cfg->name);
	if (!is_empty(cfg->disk) && cfg->disk_format != HV_DISK_RAW &&
	    cfg->disk_format != HV_DISK_QCOW2)
		return hv_err(err, -EINVAL,
			      "VM '%s': the format of disk '%s' is not resolved (hv_disk_format_probe())",
			      cfg->name, cfg->disk);
	for (i = 0; i < cfg->n_nics; i++) {
		const struct hv_nic *nic = &cfg->nics[i];

		if (is_empty(nic->socket))
			return hv_err(err, -EINVAL, "VM '%s': NIC %u has no vhost-user socket",
				      cfg->name, i);
		if (strlen(nic->socket) > HV_SOCKET_PATH_MAX)
			return hv_err(err, -ENAMETOOLONG,
				      "VM '%s': NIC %u socket path '%s' is %zu bytes, more than %d, the limit of a unix socket",
				      cfg->name, i, nic->socket, strlen(nic->socket),
				      HV_SOCKET_PATH_MAX);
		if (nic->queues > HV_QUEUES_MAX)
			return hv_err(err, -EINVAL, "VM '%s': NIC %u: %u queues, at most %d",
				      cfg->name, i, nic->queues, HV_QUEUES_MAX);
		if (nic->mac[0] & 1)
			return hv_err(err, -EINVAL,
				      "VM '%s': NIC %u: MAC %02x:%02x:%02x:%02x:%02x:%02x is a multicast address",
				      cfg->name, i, nic->mac[0], nic->mac[1], nic->mac[2],
				      nic->mac[3], nic->mac[4], nic->mac[5]);
	}
	return 0;
}

static void
push_nic(struct argv_buf *a, const struct hv_vm_config *cfg, unsigned int i,
	 enum hv_accel accel)
{
	const struct hv_nic *nic = &cfg->nics[i];
	unsigned int queues = nic->queues ? nic->queues : 1;
	static const uint8_t zero[6];
	char *path = opt_escape(nic->socket);
	char vectors[32] = "";
	uint8_t mac[6];

	if (path == NULL) {
		a->failed = true;
		return;
	}
	memcpy(mac, nic->mac, 6);
	if (memcmp(mac, zero, 6) == 0)
		derive_mac(cfg->name, i, mac);
	argv_push(a, "-chardev");
	if (nic->qemu_client)
		argv_pushf(a, "socket,id=vhu%u,path=%s,reconnect=1", i, path);
	else
		argv_pushf(a, "socket,id=vhu%u,path=%s,server=on,wait=off", i, path);
	free(path);
	argv_push(a, "-netdev");
	argv_pushf(a, "vhost-user,id=net%u,chardev=vhu%u,queues=%u", i, i, queues);
	if (accel == HV_ACCEL_TCG)
		snprintf(vectors, sizeof(vectors), ",vectors=0");
	else if (queues > 1)
		snprintf(vectors, sizeof(vectors), ",vectors=%u", 2 * queues + 2);
	argv_push(a, "-device");
	argv_pushf(a, "virtio-net-pci,id=nic%u,netdev=net%u,mac=%02x:%02x:%02x:%02x:%02x:%02x,romfile=%s%s",
		   i, i, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
		   queues > 1 ? ",mq=on" : "", vectors);
}

int
hv_qemu_argv(const struct hv_vm_config *cfg, enum hv_accel accel,
	     char ***argvp, struct hv_error *err)
{
	struct argv_buf a = { 0 };
	uint64_t memory;
	char *dir;
	unsigned int i;
	int rc;

	*argvp = NULL;
	rc = check_config(cfg, accel, err);
	if (rc < 0)
		return rc;
	memory = cfg->memory ? cfg->memory : HV_MEMORY_DEFAULT;
	dir = opt_escape(cfg->state_dir);
	if (dir == NULL)
		return hv_err(err, -ENOMEM, "out of memory");

	argv_push(&a, is_empty(cfg->qemu) ? HV_QEMU_DEFAULT : cfg->qemu);
	argv_push(&a, "-name");
	argv_pushf(&a, "guest=%s", cfg->name);
	argv_push(&a, "-nodefaults");
	argv_push(&a, "-no-user-config");
	argv_push(&a, "-nographic");
	argv_push(&a, "-msg");
	argv_push(&a, "timestamp=on");
	argv_push(&a, "-machine");
	argv_push(&a, cfg->machine == HV_MACHINE_NONE ?
		  "none,memory-backend=mem" : "q35,memory-backend=mem");
	argv_push(&a, "-object");
	argv_pushf(&a, "memory-backend-memfd,id=mem,size=%llu,share=on",
		   (unsigned long long)memory);
	argv_push(&a, "-m");
	argv_pushf(&a, "%lluM", (unsigned long long)(memory >> 20));
	argv_push(&a, "-smp");
	argv_pushf(&a, "%u", cfg->cpus ? cfg->cpus : 1);
	argv_push(&a, "-accel");
	if (accel == HV_ACCEL_KVM) {
		argv_push(&a, "kvm");
		argv_push(&a, "-cpu");
		argv_push(&a, "host");
	} else {
		argv_push(&a, "tcg,thread=multi");
	}
	if (!is_empty(cfg->kernel)) {
		argv_push(&a, "-kernel");
		argv_push(&a, cfg->kernel);
		if (!is_empty(cfg->initrd)) {
			argv_push(&a, "-initrd");
			argv_push(&a, cfg->initrd);
		}
		argv_push(&a, "-append");
		argv_push_owned(&a, kernel_append(cfg));
	}
	if (!is_empty(cfg->disk)) {
		char *file = opt_escape(cfg->disk);

		argv_push(&a, "-drive");
		if (file == NULL)
			a.failed = true;
		else
			argv_pushf(&a, "file=%s,format=%s,if=virtio", file,
				   cfg->disk_format == HV_DISK_QCOW2 ? "qcow2" : "raw");
		free(file);
	}
	for (i = 0; i < cfg->n_nics; i++)
		push_nic(&a, cfg, i, accel);
	argv_push(&a, "-chardev");
	argv_pushf(&a, "socket,id=serial0,path=%s/%s,server=on,wait=off,logfile=%s/%s,logappend=on",
		   dir, HV_FILE_CONSOLE_SOCKET, dir, HV_FILE_CONSOLE);
	argv_push(&a, "-serial");
	argv_push(&a, "chardev:serial0");
	argv_push(&a, "-qmp");
	argv_pushf(&a, "unix:%s/%s,server=on,wait=off", dir, HV_FILE_QMP);
	argv_push(&a, "-pidfile");
	argv_pushf(&a, "%s/%s", cfg->state_dir, HV_FILE_PID);
	free(dir);
	/*
	 * A guest that escapes into QEMU finds a process without root and
	 * without most system calls.
	 */
	argv_push(&a, "-sandbox");
	argv_push(&a, HV_QEMU_SANDBOX);
	if (cfg->runas != NULL) {
		argv_push(&a, "-runas");
		argv_push(&a, cfg->runas);
	}

	if (a.failed) {
		hv_argv_free(a.v);
		return hv_err(err, -ENOMEM, "out of memory");
	}
	*argvp = a.v;
	return 0;
}

/* Characters a POSIX shell leaves alone in an unquoted word. */
static bool
shell_safe(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-+=.,/:@%", *s))
			return false;
	return true;
}

char *
hv_argv_str(char *const *argv)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	size_t i;

	if (f == NULL)
		return NULL;
	for (i = 0; argv != NULL && argv[i] != NULL; i++) {
		const char *s;

		if (i)
			fputc(' ', f);
		if (shell_safe(argv[i])) {
			fputs(argv[i], f);
			continue;
		}
		fputc('\'', f);
		for (s = argv[i]; *s; s++) {
			if (*s == '\'')
				fputs("'\\''", f);
			else
				fputc(*s, f);
		}
		fputc('\'', f);
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int
hv_disk_format_probe(const char *path, enum hv_disk_format *fmt,
		     struct hv_error *err)
{
	static const unsigned char qcow2_magic[4] = { 'Q', 'F', 'I', 0xfb };
	unsigned char head[4];
	ssize_t n;
	int fd;

	if (is_empty(path))
		return hv_err(err, -EINVAL, "no disk image given");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hv_err(err, -errno, "cannot open disk image '%s': %s",
			      path, strerror(errno));
	do
		n = pread(fd, head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;

		close(fd);
		return hv_err(err, -e, "cannot read disk image '%s': %s", path,
			      strerror(e));
	}
	close(fd);
	*fmt = n == (ssize_t)sizeof(head) && memcmp(head, qcow2_magic, 4) == 0 ?
	       HV_DISK_QCOW2 : HV_DISK_RAW;
	return 0;
}
