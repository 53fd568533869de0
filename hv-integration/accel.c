/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Is KVM usable here? Only a boot can tell.
 *
 * A /dev/kvm that opens and answers KVM_GET_API_VERSION proves little: on
 * the machines this was written on it is a software device without
 * VMX/SVM, where QEMU with -cpu host aborts at once (an MSR it cannot set)
 * and a default CPU hangs in the BIOS. So the probe boots a real kernel
 * under KVM with the VMs' own CPU model and waits, for a bounded time, for
 * the kernel to finish its init. Anything else (an abort, a hang, a kernel
 * that stops half-way) means TCG.
 *
 * The verdict is cached per boot of the host (keyed by boot_id), so the
 * few seconds a hanging probe costs are paid once.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "hv_priv.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define SERIAL_KEEP (256u << 10)
#define STDERR_KEEP 4096

/* Lines a kernel prints once its init is done, whatever the root fs. */
static const char *const boot_markers[] = {
	"Run /init",
	"Run /sbin/init",
	"Unable to mount root fs",
	"Kernel panic",
};

static void
set_verdict(struct hv_probe_result *res, enum hv_accel accel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_verdict(struct hv_probe_result *res, enum hv_accel accel, const char *fmt, ...)
{
	va_list ap;

	res->accel = accel;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

static void
read_boot_id(char *buf, size_t len)
{
	int fd = open(BOOT_ID_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static bool
cache_read(const char *path, const char *boot_id, struct hv_probe_result *res)
{
	json_t *doc = json_load_file(path, 0, NULL);
	const char *accel, *reason, *id;
	bool ok = false;

	if (doc == NULL)
		return false;
	accel = json_string_value(json_object_get(doc, "accel"));
	reason = json_string_value(json_object_get(doc, "reason"));
	id = json_string_value(json_object_get(doc, "boot_id"));
	if (accel != NULL && reason != NULL && id != NULL && boot_id[0] != '\0' &&
	    strcmp(id, boot_id) == 0 &&
	    (strcmp(accel, "kvm") == 0 || strcmp(accel, "tcg") == 0)) {
		set_verdict(res, strcmp(accel, "kvm") == 0 ? HV_ACCEL_KVM : HV_ACCEL_TCG,
			    "%s", reason);
		ok = true;
	}
	json_decref(doc);
	return ok;
}

/* Write the verdict next to `path` and rename it over: readers never see half. */
static void
cache_write(const char *path, const char *boot_id, const char *kernel,
	    const struct hv_probe_result *res)
{
	char tmp[PATH_MAX];
	char *text;
	json_t *doc;
	int fd;
	bool ok;

	doc = json_pack("{s:s, s:s, s:s, s:s}", "accel", hv_accel_str(res->accel),
			"reason", res->reason, "boot_id", boot_id, "kernel", kernel);
	text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (text == NULL)
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp)) {
		free(text);
		return;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) &&
	     write(fd, "\n", 1) == 1;
	if (fd >= 0)
		close(fd);
	free(text);
	if (!ok || rename(tmp, path) < 0) {
		hv_log("accel probe: cannot write the cache %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* The newest /boot/vmlinuz-* (by version order), or NULL. malloc'd. */
static char *
default_kernel(void)
{
	glob_t g;
	char *best = NULL;
	size_t i;

	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0)
		return NULL;
	for (i = 0; i < g.gl_pathc; i++)
		if (access(g.gl_pathv[i], R_OK) == 0 &&
		    (best == NULL || strverscmp(g.gl_pathv[i], best) > 0))
			best = g.gl_pathv[i];
	best = best ? strdup(best) : NULL;
	globfree(&g);
	return best;
}

/* Append to a buffer that keeps only its last `keep` bytes. */
static void
keep_tail(char *buf, size_t *len, size_t keep, const char *data, size_t n)
{
	if (n >= keep) {
		memcpy(buf, data + n - keep, keep);
		*len = keep;
	} else {
		if (*len + n > keep) {
			size_t drop = *len + n - keep;

			memmove(buf, buf + drop, *len - drop);
			*len -= drop;
		}
		memcpy(buf + *len, data, n);
		*len += n;
	}
	buf[*len] = '\0';
}

/* The last line with text, printable characters only (SeaBIOS sends escapes). */
static void
last_line(const char *text, char *out, size_t len)
{
	const char *end = text + strlen(text), *start;
	size_t j = 0;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	for (start = end; start > text && start[-1] != '\n'; start--)
		;
	for (; start < end && j + 1 < len; start++) {
		if (*start == '\033') {
			/* Skip an escape sequence: ESC [ params letter, or ESC c. */
			if (start + 1 < end && start[1] == '[') {
				start += 2;
				while (start < end && !((*start >= 'A' && *start <= 'Z') ||
							(*start >= 'a' && *start <= 'z')))
					start++;
			} else {
				start++;
			}
			continue;
		}
		if (*start >= 0x20 && *start < 0x7f)
			out[j++] = *start;
	}
	out[j] = '\0';
}

/*
 * QEMU's last two lines on stderr, without the program name, joined: an
 * abort says what failed on one line and where it asserted on the next.
 */
static void
stderr_summary(char *text, char *out, size_t len)
{
	char *lines[2] = { NULL, NULL }, *save = NULL, *l;
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "qemu-system-", 12) == 0 && strstr(l, ": ") != NULL)
			l = strstr(l, ": ") + 2;
		if (l[strspn(l, " \t\r")] == '\0')
			continue;
		lines[0] = lines[1];
		lines[1] = l;
	}
	for (i = 0; i < 2 && used + 1 < len; i++) {
		int w;

		if (lines[i] == NULL)
			continue;
		w = snprintf(out + used, len - used, "%s%s", used ? "; " : "", lines[i]);
		if (w < 0)
			break;
		used = (size_t)w + used >= len ? len - 1 : used + (size_t)w;
	}
}

/*
 * Boot `kernel` under KVM, serial on a pipe, until a boot marker shows,
 * QEMU exits or the time is up. Fills the verdict.
 */
static int
probe_boot(const char *exe, const char *kernel, const char *runas,
	   unsigned int timeout_ms, struct hv_probe_result *res,
	   struct hv_error *err)
{
	/* Confined as the VMs are: the probe boots a kernel a client named. */
	char *const argv[] = {
		(char *)exe, "-nodefaults", "-no-user-config", "-nographic",
		"-machine", "q35", "-accel", "kvm", "-cpu", "host",
		"-m", "128M", "-smp", "1", "-no-reboot",
		"-kernel", (char *)kernel,
		"-append", "console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1",
		"-serial", "stdio", "-sandbox", HV_QEMU_SANDBOX,
		runas != NULL ? "-runas" : NULL, (char *)runas, NULL,
	};
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	char *serial = NULL, stderr_buf[STDERR_KEEP + 1] = "", chunk[4096];
	size_t serial_len = 0, stderr_len = 0;
	const char *marker = NULL;
	uint64_t t0 = hv_now_ms(), deadline = t0 + timeout_ms;
	struct hv_proc proc;
	bool out_open = true, err_open = true;
	int rc;

	serial = malloc(SERIAL_KEEP + 1);
	if (serial == NULL)
		return hv_err(err, -ENOMEM, "out of memory");
	serial[0] = '\0';
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		rc = hv_err(err, -errno, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	rc = hv_proc_spawn(exe, argv, -1, out[1], errp[1], true, &proc, err);
	close(out[1]);
	close(errp[1]);
	out[1] = errp[1] = -1;
	if (rc < 0)
		goto out;

	while ((out_open || err_open) && marker == NULL) {
		struct pollfd pfd[2] = {
			{ .fd = out_open ? out[0] : -1, .events = POLLIN },
			{ .fd = err_open ? errp[0] : -1, .events = POLLIN },
		};
		int left = hv_remaining_ms(deadline), i;

		if (left == 0)
			break;
		if (poll(pfd, 2, left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].revents == 0)
				continue;
			n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				*(i == 0 ? &out_open : &err_open) = false;
				continue;
			}
			if (i == 0) {
				size_t j;

				keep_tail(serial, &serial_len, SERIAL_KEEP, chunk, (size_t)n);
				for (j = 0; j < sizeof(boot_markers) / sizeof(boot_markers[0]); j++)
					if (strstr(serial, boot_markers[j]) != NULL)
						marker = boot_markers[j];
			} else {
				keep_tail(stderr_buf, &stderr_len, STDERR_KEEP, chunk, (size_t)n);
			}
		}
	}
	hv_proc_signal(&proc, SIGKILL);
	hv_proc_wait(&proc, 5000);
	hv_proc_release(&proc);

	if (marker != NULL) {
		set_verdict(res, HV_ACCEL_KVM, "KVM booted %s to \"%s\" in %llu ms",
			    kernel, marker, (unsigned long long)(hv_now_ms() - t0));
	} else if (!out_open && !err_open) {
		char what[200];

		stderr_summary(stderr_buf, what, sizeof(what));
		set_verdict(res, HV_ACCEL_TCG, "QEMU under KVM exited after %llu ms: %s",
			    (unsigned long long)(hv_now_ms() - t0),
			    what[0] ? what : "(no message)");
	} else {
		char what[120];

		last_line(serial, what, sizeof(what));
		set_verdict(res, HV_ACCEL_TCG,
			    "%s did not boot under KVM within %u ms (last console line: \"%s\")",
			    kernel, timeout_ms, what);
	}
	rc = 0;
out:
	if (out[0] >= 0)
		close(out[0]);
	if (errp[0] >= 0)
		close(errp[0]);
	free(serial);
	return rc;
}

int
hv_accel_probe(const struct hv_probe_opts *opts, struct hv_probe_result *res,
	       struct hv_error *err)
{
	static const struct hv_probe_opts none;
	const char *dev, *kernel;
	char exe[PATH_MAX], boot_id[64];
	char *found = NULL;
	uint64_t t0 = hv_now_ms();
	int fd, version, rc = 0;
	bool cacheable = false;

	if (opts == NULL)
		opts = &none;
	memset(res, 0, sizeof(*res));
	dev = opts->kvm_dev ? opts->kvm_dev : "/dev/kvm";
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		set_verdict(res, HV_ACCEL_TCG, "cannot open %s: %s", dev, strerror(errno));
		goto done;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (version != KVM_API_VERSION) {
		set_verdict(res, HV_ACCEL_TCG, "%s is not a KVM device (API version %d)",
			    dev, version);
		goto done;
	}
	read_boot_id(boot_id, sizeof(boot_id));
	if (opts->cache_path != NULL && cache_read(opts->cache_path, boot_id, res)) {
		res->cached = true;
		goto done;
	}
	rc = hv_qemu_find(opts->qemu, exe, sizeof(exe), err);
	if (rc < 0)
		return rc;
	kernel = opts->kernel;
	if (kernel == NULL)
		kernel = found = default_kernel();
	if (kernel == NULL) {
		set_verdict(res, HV_ACCEL_TCG, "no kernel to probe KVM with (no /boot/vmlinuz-*)");
		goto done;
	}
	if (access(kernel, R_OK) < 0) {
		set_verdict(res, HV_ACCEL_TCG, "cannot read kernel %s to probe KVM with: %s",
			    kernel, strerror(errno));
		goto done;
	}
	rc = probe_boot(exe, kernel, opts->runas, opts->timeout_ms ? opts->timeout_ms :
			HV_PROBE_TIMEOUT_DEFAULT_MS, res, err);
	if (rc < 0)
		goto out;
	cacheable = true;
	if (opts->cache_path != NULL && boot_id[0] != '\0')
		cache_write(opts->cache_path, boot_id, kernel, res);
done:
	res->elapsed_ms = (unsigned int)(hv_now_ms() - t0);
	hv_log("accel probe: %s%s: %s (%u ms)", hv_accel_str(res->accel),
	       res->cached ? " (cached)" : cacheable ? "" : " (not cached)",
	       res->reason, res->elapsed_ms);
out:
	free(found);
	return rc;
}
