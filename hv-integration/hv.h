/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VM launcher: QEMU command line, accelerator probe, QMP client and the
 * life of a QEMU process (start, status, stop, kill, adopt after a restart).
 *
 * yardd calls this library; nothing here knows about the topology schema or
 * the dataplane. A VM is described by a struct hv_vm_config, started into a
 * state directory of its own, and found again later from that directory
 * alone. The directory holds (names fixed, see HV_FILE_*):
 *
 *   qmp.sock      QMP monitor (one client at a time; this library connects
 *                 per operation and never holds it)
 *   qemu.pid      written by QEMU (-pidfile)
 *   qemu.log      QEMU's stdout and stderr (warnings, errors)
 *   console.log   the guest's serial console output; the previous boot's
 *                 is kept as console.log.1
 *   console.sock  the serial console, interactive (one client at a time;
 *                 e.g. socat -,raw,echo=0 UNIX-CONNECT:console.sock).
 *                 Everything the guest prints goes to console.log as well,
 *                 client or not. A client that stops reading slows the
 *                 guest's console output, as a real serial line would.
 *
 * Process model: QEMU is forked by the caller, in a session of its own
 * (setsid), with every descriptor but 0-2 closed, and is never tied to the
 * caller's life: a yardd that exits or crashes leaves its VMs running, and
 * hv_vm_adopt() finds them again. While QEMU is the caller's child, this
 * library reaps it (in hv_vm_status(), hv_vm_stop(), hv_vm_kill() and
 * hv_vm_free()), so the caller must not reap with waitpid(-1, ...). A QEMU
 * adopted after a restart is not the caller's child; its exit is still seen
 * (through a pidfd), and it is reaped when the caller is a child subreaper
 * (prctl PR_SET_CHILD_SUBREAPER), otherwise by init. Under systemd, the
 * caller's unit needs KillMode=process (or mixed) for VMs to outlive a
 * restart of the service.
 *
 * vhost-user: QEMU 7.2 does not finish starting (QMP stays silent) until
 * the backend of every vhost-user NIC is connected, even with wait=off. In
 * the default mode (QEMU is the server, the switch the client), program the
 * switch's port first; hv_vm_start() then returns once the switch has
 * connected, and fails at its timeout naming the socket otherwise.
 *
 * Errors: functions that can fail return 0 or a negative errno and, when
 * `err` is not NULL, fill it with a message for a person (what failed, the
 * offending value, QEMU's own last words when it died). `err` may be NULL.
 *
 * Threading: the functions block (bounded by their timeouts). An hv_vm or
 * hv_qmp belongs to one thread at a time; different VMs may be driven from
 * different threads. The only global state is the log hook. Every
 * descriptor the library opens is close-on-exec.
 */
#ifndef YARD_HV_H
#define YARD_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* ---- Limits, defaults and file names ---- */

#define HV_NAME_MAX 64			/**< VM name: [A-Za-z0-9][A-Za-z0-9._-]{0,62} + NUL. */
#define HV_NICS_MAX 8
#define HV_QUEUES_MAX 32		/**< Queue pairs per NIC. */
#define HV_CPUS_MAX 255
#define HV_SOCKET_PATH_MAX 107		/**< Longest unix socket path (sun_path less NUL). */
#define HV_MEMORY_DEFAULT (256ull << 20)
#define HV_QEMU_DEFAULT "qemu-system-x86_64"
#define HV_START_TIMEOUT_DEFAULT_MS 30000
#define HV_STOP_TIMEOUT_DEFAULT_MS 30000
#define HV_PROBE_TIMEOUT_DEFAULT_MS 4000

#define HV_FILE_QMP "qmp.sock"
#define HV_FILE_PID "qemu.pid"
#define HV_FILE_LOG "qemu.log"
#define HV_FILE_CONSOLE "console.log"
#define HV_FILE_CONSOLE_SOCKET "console.sock"

/** An error for a person. */
struct hv_error {
	char msg[512];
};

/**
 * Where the library's log lines go (accelerator verdicts, how a VM stopped,
 * why a VM was killed). Default (fn NULL): stderr, prefixed "hv: ". Set it
 * once, before any other call; it is not synchronised.
 */
typedef void (*hv_log_fn)(void *ctx, const char *msg);
void hv_log_set(hv_log_fn fn, void *ctx);

/* ---- VM description ---- */

enum hv_accel {
	HV_ACCEL_AUTO,		/**< KVM when the probe shows it boots a guest, else TCG. */
	HV_ACCEL_KVM,
	HV_ACCEL_TCG,
};

enum hv_disk_format {
	HV_DISK_AUTO,		/**< Detect from the file's magic (qcow2, else raw). */
	HV_DISK_RAW,
	HV_DISK_QCOW2,
};

enum hv_machine {
	HV_MACHINE_Q35,		/**< The default: a PC with PCI Express. */
	HV_MACHINE_NONE,	/**< No board, no guest: QMP and lifecycle tests only (no NIC, kernel or disk). */
};

/** One vNIC: a virtio-net-pci device on a vhost-user socket. */
struct hv_nic {
	const char *socket;	/**< vhost-user socket path, at most HV_SOCKET_PATH_MAX bytes. */
	uint8_t mac[6];		/**< All zero: derived from the VM name and NIC index (52:54:00:xx:xx:xx). */
	unsigned int queues;	/**< Queue pairs; 0 or 1: one; more: mq=on. At most HV_QUEUES_MAX. */
	bool qemu_client;	/**< false (default): QEMU is the vhost-user server (server=on,wait=off)
				 *   and the switch connects, so a restarted switch reconnects.
				 *   true: QEMU connects, with reconnect=1. */
};

/**
 * A VM to start. Strings are borrowed for the duration of the call only.
 * Zero values take the documented defaults.
 */
struct hv_vm_config {
	const char *name;	/**< Required. Also QEMU's -name guest=NAME, used to recognise it. */
	const char *state_dir;	/**< Required. Created (0750) when missing. */
	const char *qemu;	/**< QEMU binary; NULL: HV_QEMU_DEFAULT from PATH. */
	unsigned int cpus;	/**< 0: 1. At most HV_CPUS_MAX. */
	uint64_t memory;	/**< Bytes, a multiple of 1 MiB; 0: HV_MEMORY_DEFAULT. */
	enum hv_accel accel;
	const char *accel_cache; /**< With HV_ACCEL_AUTO: the probe's cache file (NULL: probe every time). */
	enum hv_machine machine;
	/* Boot: a kernel (with optional initrd and command line), or a disk, or
	 * both (the kernel boots, the disk is attached, e.g. root=/dev/vda). */
	const char *kernel;	/**< bzImage or vmlinux (PVH). */
	const char *initrd;
	const char *cmdline;	/**< console=ttyS0 is prepended when no console= is given. */
	const char *extra_args;	/**< Appended to cmdline (per-VM settings); needs a kernel. */
	const char *disk;	/**< A virtio-blk disk image. */
	enum hv_disk_format disk_format;
	const struct hv_nic *nics;
	unsigned int n_nics;	/**< At most HV_NICS_MAX. */
	unsigned int start_timeout_ms; /**< hv_vm_start(): 0: HV_START_TIMEOUT_DEFAULT_MS. */
	const char *runas;	/**< QEMU's -runas: the user it becomes once its
				  * files and sockets are open; NULL: it keeps
				  * the caller's. QEMU always runs under
				  * -sandbox on (seccomp: no obsolete calls, no
				  * fork/exec, no resource control). */
};

/** "auto", "kvm", "tcg". */
const char *hv_accel_str(enum hv_accel accel);

/* ---- QEMU command line (pure; no I/O) ---- */

/**
 * Build QEMU's argv for `cfg`:
 *
 *   QEMU -name guest=NAME -nodefaults -no-user-config -nographic
 *     -msg timestamp=on
 *     -machine q35,memory-backend=mem
 *     -object memory-backend-memfd,id=mem,size=BYTES,share=on
 *     -m MiB M -smp CPUS
 *     -accel tcg,thread=multi | -accel kvm -cpu host
 *     [-kernel K [-initrd I] -append "CMDLINE EXTRA"]
 *     [-drive file=D,format=raw|qcow2,if=virtio]
 *     per NIC i:
 *       -chardev socket,id=vhu<i>,path=S,server=on,wait=off | ,reconnect=1
 *       -netdev vhost-user,id=net<i>,chardev=vhu<i>,queues=Q
 *       -device virtio-net-pci,id=nic<i>,netdev=net<i>,mac=M,romfile=,
 *               [mq=on,]vectors=0 (TCG) | [mq=on,vectors=2Q+2] (KVM)
 *     -chardev socket,id=serial0,path=DIR/console.sock,server=on,wait=off,
 *              logfile=DIR/console.log,logappend=on
 *     -serial chardev:serial0
 *     -qmp unix:DIR/qmp.sock,server=on,wait=off
 *     -pidfile DIR/qemu.pid
 *
 * Guest memory is always a shared memfd: without share=on, vhost-user
 * carries nothing. Under TCG, QEMU 7.2 segfaults when a vhost-user
 * virtio-net-pci device uses MSI-X, hence vectors=0. romfile= because no
 * option ROM is needed to boot a kernel (and none may be installed).
 * Commas in values parsed by QEMU's option syntax are doubled.
 *
 * @param accel
 *   The resolved accelerator: HV_ACCEL_KVM or HV_ACCEL_TCG.
 * @param argvp
 *   On success, a NULL-terminated array to release with hv_argv_free().
 * @return
 *   0; -EINVAL (bad or missing value, AUTO accel or disk format: resolve
 *   them first), -ENAMETOOLONG (a socket path is too long for a unix
 *   socket: NIC sockets, and DIR/console.sock, so DIR is at most 94
 *   bytes), -ENOMEM.
 */
int hv_qemu_argv(const struct hv_vm_config *cfg, enum hv_accel accel,
		 char ***argvp, struct hv_error *err);

/** Release an argv from hv_qemu_argv(). NULL-safe. */
void hv_argv_free(char **argv);

/**
 * One line for logs and people: the argv joined with spaces, words quoted
 * for a POSIX shell where needed. malloc'd; NULL on allocation failure.
 */
char *hv_argv_str(char *const *argv);

/**
 * Detect a disk image's format from its first bytes: qcow2 ("QFI\xfb"),
 * else raw.
 *
 * @return
 *   0, or -errno when the file cannot be read (message names the file).
 */
int hv_disk_format_probe(const char *path, enum hv_disk_format *fmt,
			 struct hv_error *err);

/* ---- Accelerator probe ---- */

struct hv_probe_opts {
	const char *qemu;	/**< NULL: HV_QEMU_DEFAULT from PATH. */
	const char *kernel;	/**< Kernel to boot; NULL: the newest /boot/vmlinuz-*. */
	const char *cache_path;	/**< Verdict cache; NULL: no cache. */
	const char *kvm_dev;	/**< NULL: /dev/kvm. */
	unsigned int timeout_ms; /**< Bound on the probe boot; 0: HV_PROBE_TIMEOUT_DEFAULT_MS. */
	const char *runas;	/**< As hv_vm_config.runas: the probe QEMU is
				  * confined as the VMs' (-sandbox on, -runas). */
};

struct hv_probe_result {
	enum hv_accel accel;	/**< HV_ACCEL_KVM or HV_ACCEL_TCG. */
	bool cached;		/**< The verdict came from the cache file. */
	unsigned int elapsed_ms; /**< Time this call took. */
	char reason[256];	/**< Why, for the log and `yardctl`. */
};

/**
 * Decide whether KVM is usable here, and log the verdict.
 *
 * 1. The KVM device cannot be opened, or its API version is wrong: TCG at
 *    once (not cached: loading kvm later must be noticed).
 * 2. A cached verdict from the same boot of the host (cache_path, keyed by
 *    /proc/sys/kernel/random/boot_id): that verdict.
 * 3. Otherwise boot the kernel under KVM (q35, -cpu host, as the VMs run,
 *    under the same -sandbox and -runas) with its console on a pipe; KVM when the kernel reaches the end of its
 *    init (its "Run /init", "Kernel panic" or "Unable to mount root fs"
 *    lines) within timeout_ms, else TCG. The probe QEMU is always killed
 *    and reaped. The verdict is written to cache_path (atomically).
 *
 * No kernel to boot gives TCG (not cached).
 *
 * @return
 *   0 with `res` filled; -ENOENT when QEMU is missing; -errno for other
 *   failures (cannot spawn, ...).
 */
int hv_accel_probe(const struct hv_probe_opts *opts,
		   struct hv_probe_result *res, struct hv_error *err);

/* ---- QMP client ---- */

struct hv_qmp;

/**
 * Connect to a QMP socket, read the greeting and enter command mode
 * (qmp_capabilities), all within `timeout_ms`.
 *
 * @return
 *   0 and *qp; -ENOENT/-ECONNREFUSED (nothing listens), -ETIMEDOUT (no
 *   greeting: QEMU busy or still starting), -EPROTO, -ENAMETOOLONG.
 */
int hv_qmp_connect(const char *path, unsigned int timeout_ms,
		   struct hv_qmp **qp, struct hv_error *err);

/**
 * Run a command and wait for its response. Events received meanwhile are
 * skipped.
 *
 * @param args
 *   Stolen; NULL for none.
 * @param ret
 *   When not NULL, on success, a new reference to the "return" value.
 * @return
 *   0; -EREMOTEIO when QEMU answered an error (its class and description
 *   in `err`); -ETIMEDOUT; -ECONNRESET when QEMU closed the connection
 *   (as it does after "quit"); -EPROTO on garbage.
 */
int hv_qmp_command(struct hv_qmp *q, const char *command, json_t *args,
		   unsigned int timeout_ms, json_t **ret, struct hv_error *err);

/** Close and free. NULL-safe. */
void hv_qmp_close(struct hv_qmp *q);

/* ---- VM lifecycle ---- */

struct hv_vm;

enum hv_vm_state {
	HV_VM_RUNNING,
	HV_VM_PAUSED,		/**< Stopped by QMP "stop", prelaunch, migrating, suspended, debug. */
	HV_VM_SHUTDOWN,		/**< The guest shut down; QEMU is about to exit. */
	HV_VM_CRASHED,		/**< guest-panicked, internal-error, io-error, watchdog. */
	HV_VM_GONE,		/**< The QEMU process has exited. */
};

/** "running", "paused", "shutdown", "crashed", "gone". */
const char *hv_vm_state_str(enum hv_vm_state state);

enum hv_stop_how {
	HV_STOP_POWERDOWN,	/**< The guest powered off after system_powerdown. */
	HV_STOP_QUIT,		/**< QMP "quit" ended QEMU. */
	HV_STOP_KILL,		/**< SIGKILL was needed. */
	HV_STOP_GONE,		/**< It had exited already. */
};

/**
 * Start a VM and wait until QMP answers query-status.
 *
 * Resolves accel AUTO (hv_accel_probe() with cfg->accel_cache) and disk
 * format AUTO, refuses a state directory whose QEMU is still running
 * (-EEXIST: adopt it instead), rotates the console log, spawns QEMU
 * detached (see the process model above) and waits up to
 * cfg->start_timeout_ms. QEMU's warning "falling back on userspace virtio"
 * (a vhost-user NIC that carries nothing) is fatal.
 *
 * @return
 *   0 and *vmp (release with hv_vm_free(), which does not stop it), or:
 *   -EINVAL/-ENAMETOOLONG (configuration, see hv_qemu_argv()), -ENOENT
 *   (QEMU or the disk missing), -EEXIST, -ECHILD (QEMU exited: its last
 *   stderr lines in `err`), -ETIMEDOUT (QMP silent: QEMU killed; the
 *   message names a vhost-user socket QEMU is still waiting on), -EPROTO
 *   (the userspace-virtio fallback: QEMU killed). On failure no QEMU is
 *   left running.
 */
int hv_vm_start(const struct hv_vm_config *cfg, struct hv_vm **vmp,
		struct hv_error *err);

/**
 * Find a running VM again from its state directory, without starting or
 * killing anything: the pid in qemu.pid must be alive, its
 * /proc/PID/cmdline must be a qemu-system binary run with
 * "-name guest=NAME" and this directory's pid file, and QMP must answer
 * query-status within `timeout_ms` (0: 2000).
 *
 * @return
 *   0 and *vmp; -ENOENT (no pid file), -ESRCH (no such process, or it is
 *   not this VM's QEMU), -ETIMEDOUT or another -errno from QMP (the process
 *   is left alone).
 */
int hv_vm_adopt(const char *name, const char *state_dir,
		unsigned int timeout_ms, struct hv_vm **vmp,
		struct hv_error *err);

/**
 * The VM's state, asked over QMP (timeout_ms, 0: 2000). A QEMU that has
 * exited is reaped and reported HV_VM_GONE (not an error). When qemu.log
 * shows the userspace-virtio fallback, the VM is killed and -EPROTO
 * returned.
 *
 * @return
 *   0 and *state; -ETIMEDOUT when the process lives but QMP is silent;
 *   -EPROTO; other -errno from QMP.
 */
int hv_vm_status(struct hv_vm *vm, unsigned int timeout_ms,
		 enum hv_vm_state *state, struct hv_error *err);

/**
 * Stop a VM: QMP system_powerdown and up to `timeout_ms` for the guest to
 * power off (0: skip that step), then QMP "quit" (2 s), then SIGKILL.
 * Returns when the process is gone (and reaped when it is the caller's
 * child); qmp.sock and qemu.pid are removed. `how`, when not NULL, tells
 * which step ended it.
 *
 * @return
 *   0, or -errno when even SIGKILL did not end it within 5 s.
 */
int hv_vm_stop(struct hv_vm *vm, unsigned int timeout_ms,
	       enum hv_stop_how *how, struct hv_error *err);

/** SIGKILL and wait (5 s) until gone, as the last step of hv_vm_stop(). */
int hv_vm_kill(struct hv_vm *vm, struct hv_error *err);

/**
 * Forget a VM: close its descriptors and free, leaving QEMU running (reaped
 * first when it is a child that has exited). NULL-safe.
 */
void hv_vm_free(struct hv_vm *vm);

/** QEMU's pid. */
pid_t hv_vm_pid(const struct hv_vm *vm);

/**
 * A pidfd of the QEMU process: readable once it has exited (then call
 * hv_vm_status() to reap it). For poll() only. -1 on kernels without pidfd.
 */
int hv_vm_fd(const struct hv_vm *vm);

const char *hv_vm_name(const struct hv_vm *vm);
const char *hv_vm_state_dir(const struct hv_vm *vm);	/**< Canonical (realpath). */
enum hv_accel hv_vm_accel(const struct hv_vm *vm);	/**< As started (read from QEMU's argv when adopted). */
const char *hv_vm_console_path(const struct hv_vm *vm);	/**< STATE/console.log */

/* ---- Serial console ---- */

/**
 * Read the serial console log of the VM whose state directory is
 * `state_dir`, from byte `offset`: for `yardctl vm log` (read to the end)
 * and `vm console` (poll from the last offset). Works whether or not the
 * VM runs.
 *
 * @return
 *   The number of bytes read (0 at the end); -ENOENT when there is no log
 *   yet; -ERANGE when `offset` is past the end (the VM was restarted and the
 *   log started again: read from 0).
 */
ssize_t hv_console_read(const char *state_dir, uint64_t offset, void *buf,
			size_t len);

#endif /* YARD_HV_H */
