/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The life of a VM: start, status, stop, kill, adopt, and its console log.
 *
 * Everything about a running VM can be recovered from its state directory
 * (pid file, QMP socket), which is what lets yardd restart without touching
 * its VMs. QMP connections are opened per operation and closed at once: QEMU
 * serves one QMP client at a time, and an operator's own QMP session (or
 * another yardd) must not be locked out by a connection we sit on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv_priv.h"

/* QEMU's words for a vhost-user NIC that will carry nothing. */
#define FALLBACK_WARNING "falling back on userspace virtio"
/* QEMU's words while a vhost-user netdev blocks its start. */
#define WAITING_INFO "waiting for connection on:"

#define QMP_TIMEOUT_DEFAULT_MS 2000
#define QUIT_WAIT_MS 2000
#define KILL_WAIT_MS 5000
#define EXIT_GRACE_MS 1000

struct hv_vm {
	char name[HV_NAME_MAX];
	char dir[PATH_MAX];
	char qmp_path[HV_SOCKET_PATH_MAX + 1];
	char pid_path[PATH_MAX];
	char log_path[PATH_MAX];
	char console_path[PATH_MAX];
	char console_sock_path[PATH_MAX];
	enum hv_accel accel;
	struct hv_proc proc;
	bool exit_logged;
};

const char *
hv_vm_state_str(enum hv_vm_state state)
{
	switch (state) {
	case HV_VM_RUNNING: return "running";
	case HV_VM_PAUSED: return "paused";
	case HV_VM_SHUTDOWN: return "shutdown";
	case HV_VM_CRASHED: return "crashed";
	case HV_VM_GONE: return "gone";
	}
	return "?";
}

pid_t hv_vm_pid(const struct hv_vm *vm) { return vm->proc.pid; }
int hv_vm_fd(const struct hv_vm *vm) { return vm->proc.pidfd; }
const char *hv_vm_name(const struct hv_vm *vm) { return vm->name; }
const char *hv_vm_state_dir(const struct hv_vm *vm) { return vm->dir; }
enum hv_accel hv_vm_accel(const struct hv_vm *vm) { return vm->accel; }
const char *hv_vm_console_path(const struct hv_vm *vm) { return vm->console_path; }

static int
mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* A VM handle for the canonical directory `dir`. */
static int
vm_new(const char *name, const char *dir, struct hv_vm **vmp, struct hv_error *err)
{
	struct hv_vm *vm = calloc(1, sizeof(*vm));

	*vmp = NULL;
	if (vm == NULL)
		return hv_err(err, -ENOMEM, "out of memory");
	vm->proc.pidfd = -1;
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	if (snprintf(vm->dir, sizeof(vm->dir), "%s", dir) >= (int)sizeof(vm->dir) ||
	    hv_path_join(vm->qmp_path, sizeof(vm->qmp_path), dir, HV_FILE_QMP) < 0 ||
	    hv_path_join(vm->pid_path, sizeof(vm->pid_path), dir, HV_FILE_PID) < 0 ||
	    hv_path_join(vm->log_path, sizeof(vm->log_path), dir, HV_FILE_LOG) < 0 ||
	    hv_path_join(vm->console_path, sizeof(vm->console_path), dir,
			 HV_FILE_CONSOLE) < 0 ||
	    hv_path_join(vm->console_sock_path, sizeof(vm->console_sock_path), dir,
			 HV_FILE_CONSOLE_SOCKET) < 0) {
		free(vm);
		return hv_err(err, -ENAMETOOLONG,
			      "VM '%s': state directory '%s' is too long for its QMP socket (%d bytes at most with /%s)",
			      name, dir, HV_SOCKET_PATH_MAX, HV_FILE_QMP);
	}
	*vmp = vm;
	return 0;
}

static int
read_pidfile(const char *path, pid_t *pid)
{
	char buf[32];
	ssize_t n;
	long v;
	char *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (v <= 0 || v > INT_MAX || (*end != '\0' && *end != '\n'))
		return -EINVAL;
	*pid = (pid_t)v;
	return 0;
}

/*
 * Whether process `pid` is the QEMU of this VM: a qemu-system-* binary run
 * with our -name and this directory's pid file (so a VM of the same name
 * in another directory, or a recycled pid, is not taken for it). Reads the
 * accelerator from its -accel on the way.
 */
static bool
is_vm_qemu(pid_t pid, const struct hv_vm *vm, enum hv_accel *accel, char *why,
	   size_t why_len)
{
	char want_name[HV_NAME_MAX + 8];
	bool name_ok = false, pid_ok = false, is_qemu;
	const char *base;
	char **argv;
	int i;

	if (hv_proc_cmdline(pid, &argv) < 0) {
		snprintf(why, why_len, "it has exited");
		return false;
	}
	snprintf(want_name, sizeof(want_name), "guest=%s", vm->name);
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	for (i = 1; argv[i] != NULL; i++) {
		if (argv[i + 1] == NULL)
			break;
		if (strcmp(argv[i], "-name") == 0)
			name_ok = strcmp(argv[i + 1], want_name) == 0;
		else if (strcmp(argv[i], "-pidfile") == 0)
			pid_ok = strcmp(argv[i + 1], vm->pid_path) == 0;
		else if (strcmp(argv[i], "-accel") == 0 && accel != NULL)
			*accel = strncmp(argv[i + 1], "kvm", 3) == 0 ?
				 HV_ACCEL_KVM : HV_ACCEL_TCG;
	}
	is_qemu = strncmp(base, "qemu-system-", 12) == 0;
	if (!is_qemu)
		snprintf(why, why_len, "it is '%s', not QEMU", argv[0]);
	else if (!name_ok)
		snprintf(why, why_len, "it is a QEMU without -name %s", want_name);
	else if (!pid_ok)
		snprintf(why, why_len, "it is a QEMU of another state directory");
	free(argv);
	return is_qemu && name_ok && pid_ok;
}

/* Remove what a dead QEMU may have left behind (a clean exit removes both). */
static void
remove_stale_files(const struct hv_vm *vm)
{
	pid_t pid;

	if (read_pidfile(vm->pid_path, &pid) == 0 && pid != vm->proc.pid)
		return;		/* Someone else's now: leave it all. */
	unlink(vm->pid_path);
	unlink(vm->qmp_path);
	unlink(vm->console_sock_path);
}

/* QMP query-status, mapped to a state. */
static int
query_status(struct hv_vm *vm, unsigned int timeout_ms, enum hv_vm_state *state,
	     char *raw, size_t raw_len, struct hv_error *err)
{
	static const struct { const char *qmp; enum hv_vm_state state; } map[] = {
		{ "running", HV_VM_RUNNING },
		{ "shutdown", HV_VM_SHUTDOWN },
		{ "guest-panicked", HV_VM_CRASHED },
		{ "internal-error", HV_VM_CRASHED },
		{ "io-error", HV_VM_CRASHED },
		{ "watchdog", HV_VM_CRASHED },
	};
	uint64_t deadline = hv_now_ms() + timeout_ms;
	struct hv_qmp *q;
	json_t *ret = NULL;
	const char *s;
	size_t i;
	int rc;

	rc = hv_qmp_connect(vm->qmp_path, timeout_ms, &q, err);
	if (rc < 0)
		return rc;
	rc = hv_qmp_command(q, "query-status", NULL,
			    (unsigned int)hv_remaining_ms(deadline), &ret, err);
	hv_qmp_close(q);
	if (rc < 0)
		return rc;
	s = json_string_value(json_object_get(ret, "status"));
	if (s == NULL) {
		json_decref(ret);
		return hv_err(err, -EPROTO, "VM '%s': query-status has no status", vm->name);
	}
	/* Every other status (paused, prelaunch, inmigrate, suspended,
	 * debug, ...) has the guest not running by request. */
	*state = HV_VM_PAUSED;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i].qmp) == 0)
			*state = map[i].state;
	if (raw != NULL)
		snprintf(raw, raw_len, "%s", s);
	json_decref(ret);
	return 0;
}

static int
kill_and_wait(struct hv_vm *vm, struct hv_error *err)
{
	hv_proc_signal(&vm->proc, SIGKILL);
	if (hv_proc_wait(&vm->proc, KILL_WAIT_MS) < 0)
		return hv_err(err, -ETIMEDOUT,
			      "VM '%s': QEMU (pid %d) is still there %d ms after SIGKILL",
			      vm->name, (int)vm->proc.pid, KILL_WAIT_MS);
	remove_stale_files(vm);
	return 0;
}

/* The userspace-virtio fallback is fatal: kill QEMU and say why. */
static int
check_fallback(struct hv_vm *vm, struct hv_error *err)
{
	char line[256];

	if (!hv_file_find(vm->log_path, FALLBACK_WARNING, line, sizeof(line)))
		return 0;
	hv_log("vm %s: killing QEMU (pid %d): %s", vm->name, (int)vm->proc.pid, line);
	kill_and_wait(vm, NULL);
	return hv_err(err, -EPROTO,
		      "VM '%s': a vhost-user NIC fell back on userspace virtio and would carry nothing (%s); QEMU was killed",
		      vm->name, line);
}

/* Wait for a freshly spawned QEMU to answer QMP. */
static int
wait_ready(struct hv_vm *vm, unsigned int timeout_ms, struct hv_error *err)
{
	uint64_t deadline = hv_now_ms() + timeout_ms;
	struct hv_qmp *q = NULL;
	char how[64], tail[384];
	int rc;

	for (;;) {
		if (!hv_proc_alive(&vm->proc)) {
			hv_qmp_close(q);
			hv_proc_describe(&vm->proc, how, sizeof(how));
			hv_file_tail(vm->log_path, tail, sizeof(tail));
			return hv_err(err, -ECHILD, "VM '%s': QEMU %s: %s", vm->name,
				      how, tail[0] ? tail : "(nothing on its stderr)");
		}
		if (hv_remaining_ms(deadline) == 0)
			break;
		if (q == NULL && hv_qmp_open(vm->qmp_path, &q, NULL) < 0) {
			hv_sleep_ms(20);
			continue;
		}
		/* Short slices, so that an exit is noticed while QEMU is silent. */
		rc = hv_qmp_handshake(q, hv_now_ms() + 100 < deadline ?
				      hv_now_ms() + 100 : deadline, NULL);
		if (rc == -ETIMEDOUT)
			continue;
		if (rc == 0 &&
		    hv_qmp_command(q, "query-status", NULL,
				   (unsigned int)hv_remaining_ms(deadline) + 1, NULL,
				   NULL) == 0) {
			hv_qmp_close(q);
			return 0;
		}
		hv_qmp_close(q);
		q = NULL;
		hv_sleep_ms(20);
	}
	hv_qmp_close(q);
	if (hv_file_find(vm->log_path, WAITING_INFO, tail, sizeof(tail)))
		hv_err(err, -ETIMEDOUT,
		       "VM '%s': QEMU did not finish starting within %u ms: %s; the switch must connect to that vhost-user socket (program its port first); QEMU was killed",
		       vm->name, timeout_ms, tail);
	else
		hv_err(err, -ETIMEDOUT,
		       "VM '%s': QMP at %s did not answer within %u ms; QEMU was killed",
		       vm->name, vm->qmp_path, timeout_ms);
	kill_and_wait(vm, NULL);
	return -ETIMEDOUT;
}

int
hv_vm_start(const struct hv_vm_config *cfg, struct hv_vm **vmp,
	    struct hv_error *err)
{
	struct hv_vm_config c;
	struct hv_vm *vm = NULL;
	char exe[PATH_MAX], dir[PATH_MAX], why[128];
	char **argv = NULL, *line;
	enum hv_accel accel;
	uint64_t t0 = hv_now_ms();
	pid_t old;
	int rc, logfd;

	*vmp = NULL;
	rc = hv_config_check_id(cfg, err);
	if (rc < 0)
		return rc;
	rc = hv_qemu_find(cfg->qemu, exe, sizeof(exe), err);
	if (rc < 0)
		return rc;
	rc = mkdir_p(cfg->state_dir, 0750);
	if (rc < 0)
		return hv_err(err, rc, "VM '%s': cannot create state directory '%s': %s",
			      cfg->name, cfg->state_dir, strerror(-rc));
	if (realpath(cfg->state_dir, dir) == NULL)
		return hv_err(err, -errno, "VM '%s': state directory '%s': %s",
			      cfg->name, cfg->state_dir, strerror(errno));

	c = *cfg;
	c.state_dir = dir;
	c.qemu = exe;
	if (c.disk != NULL && c.disk[0] != '\0' && c.disk_format == HV_DISK_AUTO) {
		rc = hv_disk_format_probe(c.disk, &c.disk_format, err);
		if (rc < 0)
			return rc;
	}
	accel = c.accel;
	if (accel == HV_ACCEL_AUTO) {
		struct hv_probe_opts po = {
			.qemu = exe,
			.kernel = c.kernel != NULL && c.kernel[0] != '\0' ? c.kernel : NULL,
			.cache_path = c.accel_cache,
			.runas = c.runas,
		};
		struct hv_probe_result pr;

		rc = hv_accel_probe(&po, &pr, err);
		if (rc < 0)
			return rc;
		accel = pr.accel;
	}
	rc = hv_qemu_argv(&c, accel, &argv, err);
	if (rc < 0)
		return rc;
	rc = vm_new(c.name, dir, &vm, err);
	if (rc < 0)
		goto fail_argv;
	vm->accel = accel;

	/* One QEMU per state directory. */
	if (read_pidfile(vm->pid_path, &old) == 0 &&
	    hv_proc_attach(old, &vm->proc) == 0) {
		bool ours = is_vm_qemu(old, vm, NULL, why, sizeof(why));

		hv_proc_release(&vm->proc);
		if (ours) {
			rc = hv_err(err, -EEXIST,
				    "VM '%s' is already running in %s (pid %d): adopt it or stop it",
				    c.name, dir, (int)old);
			goto fail_vm;
		}
	}
	memset(&vm->proc, 0, sizeof(vm->proc));
	vm->proc.pidfd = -1;
	unlink(vm->qmp_path);
	unlink(vm->pid_path);
	unlink(vm->console_sock_path);
	{
		char prev[PATH_MAX + 2];

		snprintf(prev, sizeof(prev), "%s.1", vm->console_path);
		if (rename(vm->console_path, prev) < 0 && errno != ENOENT)
			hv_log("vm %s: cannot keep the previous console log: %s",
			       c.name, strerror(errno));
	}
	logfd = open(vm->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
		     0640);
	if (logfd < 0) {
		rc = hv_err(err, -errno, "VM '%s': cannot create %s: %s", c.name,
			    vm->log_path, strerror(errno));
		goto fail_vm;
	}
	line = hv_argv_str(argv);
	hv_log("vm %s: starting (%s): %s", c.name, hv_accel_str(accel),
	       line ? line : "(out of memory)");
	free(line);
	rc = hv_proc_spawn(exe, argv, -1, logfd, logfd, true, &vm->proc, err);
	close(logfd);
	if (rc < 0)
		goto fail_vm;

	rc = wait_ready(vm, c.start_timeout_ms ? c.start_timeout_ms :
			HV_START_TIMEOUT_DEFAULT_MS, err);
	if (rc < 0)
		goto fail_proc;
	rc = check_fallback(vm, err);
	if (rc < 0)
		goto fail_proc;
	hv_log("vm %s: running, pid %d, QMP answered after %llu ms", c.name,
	       (int)vm->proc.pid, (unsigned long long)(hv_now_ms() - t0));
	hv_argv_free(argv);
	*vmp = vm;
	return 0;

fail_proc:
	/* wait_ready() and check_fallback() killed it already; make sure. */
	if (hv_proc_alive(&vm->proc))
		kill_and_wait(vm, NULL);
	hv_proc_release(&vm->proc);
	remove_stale_files(vm);
fail_vm:
	free(vm);
fail_argv:
	hv_argv_free(argv);
	return rc;
}

int
hv_vm_adopt(const char *name, const char *state_dir, unsigned int timeout_ms,
	    struct hv_vm **vmp, struct hv_error *err)
{
	char dir[PATH_MAX], why[160] = "";
	enum hv_vm_state state;
	struct hv_vm *vm;
	enum hv_accel accel = HV_ACCEL_TCG;
	pid_t pid;
	int rc;

	*vmp = NULL;
	if (!hv_name_valid(name))
		return hv_err(err, -EINVAL, "VM name '%s' is invalid", name ? name : "(null)");
	if (state_dir == NULL || realpath(state_dir, dir) == NULL)
		return hv_err(err, -ENOENT, "VM '%s': no state directory '%s'", name,
			      state_dir ? state_dir : "(null)");
	rc = vm_new(name, dir, &vm, err);
	if (rc < 0)
		return rc;
	rc = read_pidfile(vm->pid_path, &pid);
	if (rc < 0) {
		rc = hv_err(err, rc == -EINVAL ? -ESRCH : rc,
			    "VM '%s': no QEMU to adopt: %s: %s", name, vm->pid_path,
			    rc == -EINVAL ? "not a pid" : strerror(-rc));
		goto fail;
	}
	if (hv_proc_attach(pid, &vm->proc) < 0) {
		rc = hv_err(err, -ESRCH, "VM '%s': pid %d of %s is not running",
			    name, (int)pid, vm->pid_path);
		goto fail;
	}
	/* Check its identity after taking the pidfd and before trusting it:
	 * the pidfd then refers to the process that was checked. */
	if (!is_vm_qemu(pid, vm, &accel, why, sizeof(why)) || !hv_proc_alive(&vm->proc)) {
		rc = hv_err(err, -ESRCH, "VM '%s': pid %d of %s is not its QEMU: %s",
			    name, (int)pid, vm->pid_path, why[0] ? why : "it has exited");
		goto fail_proc;
	}
	vm->accel = accel;
	rc = query_status(vm, timeout_ms ? timeout_ms : QMP_TIMEOUT_DEFAULT_MS,
			  &state, NULL, 0, err);
	if (rc < 0)
		goto fail_proc;
	hv_log("vm %s: adopted QEMU pid %d (%s)", name, (int)pid, hv_vm_state_str(state));
	*vmp = vm;
	return 0;

fail_proc:
	hv_proc_release(&vm->proc);
fail:
	free(vm);
	return rc;
}

/* Found exited: say how, once, and clean up after it. */
static void
vm_gone(struct hv_vm *vm)
{
	char how[64], tail[384];

	remove_stale_files(vm);
	if (vm->exit_logged)
		return;
	vm->exit_logged = true;
	hv_proc_describe(&vm->proc, how, sizeof(how));
	hv_file_tail(vm->log_path, tail, sizeof(tail));
	hv_log("vm %s: QEMU (pid %d) %s%s%s", vm->name, (int)vm->proc.pid, how,
	       tail[0] ? ": " : "", tail);
}

int
hv_vm_status(struct hv_vm *vm, unsigned int timeout_ms, enum hv_vm_state *state,
	     struct hv_error *err)
{
	int rc;

	if (!hv_proc_alive(&vm->proc)) {
		vm_gone(vm);
		*state = HV_VM_GONE;
		return 0;
	}
	rc = check_fallback(vm, err);
	if (rc < 0)
		return rc;
	rc = query_status(vm, timeout_ms ? timeout_ms : QMP_TIMEOUT_DEFAULT_MS,
			  state, NULL, 0, err);
	/*
	 * A QMP socket that closes or vanishes while the process lives is
	 * QEMU on its way out (quit, SIGTERM, guest poweroff): give it a
	 * moment rather than report a QMP error.
	 */
	if (rc < 0 && rc != -ETIMEDOUT && rc != -EREMOTEIO)
		hv_proc_wait(&vm->proc, EXIT_GRACE_MS);
	if (rc < 0 && !hv_proc_alive(&vm->proc)) {
		/* It exited while we asked. */
		vm_gone(vm);
		*state = HV_VM_GONE;
		return 0;
	}
	return rc;
}

/* Send one QMP command on a fresh connection; errors are not interesting. */
static int
qmp_oneshot(struct hv_vm *vm, const char *command)
{
	struct hv_qmp *q;
	int rc;

	rc = hv_qmp_connect(vm->qmp_path, QMP_TIMEOUT_DEFAULT_MS, &q, NULL);
	if (rc < 0)
		return rc;
	rc = hv_qmp_command(q, command, NULL, QMP_TIMEOUT_DEFAULT_MS, NULL, NULL);
	hv_qmp_close(q);
	return rc;
}

int
hv_vm_stop(struct hv_vm *vm, unsigned int timeout_ms, enum hv_stop_how *how,
	   struct hv_error *err)
{
	static const char *const words[] = {
		[HV_STOP_POWERDOWN] = "powered off by the guest",
		[HV_STOP_QUIT] = "ended by QMP quit",
		[HV_STOP_KILL] = "killed (SIGKILL)",
		[HV_STOP_GONE] = "had exited already",
	};
	enum hv_stop_how h = HV_STOP_GONE;
	uint64_t t0 = hv_now_ms();
	int rc = 0;

	if (!hv_proc_alive(&vm->proc))
		goto done;
	if (timeout_ms > 0) {
		h = HV_STOP_POWERDOWN;
		if (qmp_oneshot(vm, "system_powerdown") == 0 &&
		    hv_proc_wait(&vm->proc, timeout_ms) == 0)
			goto done;
	}
	h = HV_STOP_QUIT;
	/* "quit" may close the connection before answering: ignore the rc. */
	qmp_oneshot(vm, "quit");
	if (hv_proc_wait(&vm->proc, QUIT_WAIT_MS) == 0)
		goto done;
	h = HV_STOP_KILL;
	rc = kill_and_wait(vm, err);
	if (rc < 0)
		return rc;
done:
	remove_stale_files(vm);
	vm->exit_logged = true;
	if (how != NULL)
		*how = h;
	hv_log("vm %s: stopped: QEMU (pid %d) %s after %llu ms", vm->name,
	       (int)vm->proc.pid, words[h], (unsigned long long)(hv_now_ms() - t0));
	return 0;
}

int
hv_vm_kill(struct hv_vm *vm, struct hv_error *err)
{
	if (!hv_proc_alive(&vm->proc)) {
		remove_stale_files(vm);
		return 0;
	}
	hv_log("vm %s: killing QEMU (pid %d)", vm->name, (int)vm->proc.pid);
	return kill_and_wait(vm, err);
}

void
hv_vm_free(struct hv_vm *vm)
{
	if (vm == NULL)
		return;
	hv_proc_release(&vm->proc);
	free(vm);
}

ssize_t
hv_console_read(const char *state_dir, uint64_t offset, void *buf, size_t len)
{
	char path[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (state_dir == NULL || hv_path_join(path, sizeof(path), state_dir,
					      HV_FILE_CONSOLE) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		n = -errno;
	} else if (offset > (uint64_t)st.st_size) {
		n = -ERANGE;
	} else {
		do
			n = pread(fd, buf, len, (off_t)offset);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			n = -errno;
	}
	close(fd);
	return n;
}
