/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the files of the VM launcher; not part of its API.
 */
#ifndef YARD_HV_PRIV_H
#define YARD_HV_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hv.h"

/* ---- common.c ---- */

/** Fill `err` (NULL-safe) and return `rc`, so callers can `return hv_err(...)`. */
int hv_err(struct hv_error *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** One line to the log hook. */
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** CLOCK_MONOTONIC in milliseconds. */
uint64_t hv_now_ms(void);

/** Milliseconds from now until `deadline_ms` (0 when past), capped at INT_MAX. */
int hv_remaining_ms(uint64_t deadline_ms);

/** Sleep `ms` milliseconds (restarting on EINTR). */
void hv_sleep_ms(unsigned int ms);

/** "DIR/FILE" into buf; -ENAMETOOLONG when it does not fit. */
int hv_path_join(char *buf, size_t len, const char *dir, const char *file);

/**
 * Find the QEMU binary: `qemu` as a path when it holds a '/', else searched
 * in $PATH (NULL means HV_QEMU_DEFAULT). -ENOENT with a message when absent.
 */
int hv_qemu_find(const char *qemu, char *path, size_t len,
		 struct hv_error *err);

/**
 * The last lines of a text file, at most len - 1 bytes, joined with "; "
 * and without QEMU's "qemu-system-x86_64: " prefixes or timestamps. Empty
 * string when the file is empty or unreadable.
 */
void hv_file_tail(const char *path, char *buf, size_t len);

/** True when the file contains `needle`; the line holding it goes to `line`. */
bool hv_file_find(const char *path, const char *needle, char *line,
		  size_t len);

/* ---- proc.c: the QEMU process ---- */

struct hv_proc {
	pid_t pid;
	int pidfd;		/**< -1 when the kernel has no pidfd_open(). */
	bool child;		/**< Forked by this process (so we reap it). */
	bool exited;
	int wstatus;		/**< Valid when `reaped`. */
	bool reaped;
	bool not_ours;		/* Exited and reaped by someone else (or never ours to reap). */
};

/**
 * Fork and exec `exe` with `argv`: stdin, stdout and stderr from the given
 * descriptors (-1: /dev/null), every other descriptor closed, signals reset,
 * in a new session when `setsid_child`. Exec failures are reported (-errno
 * with a message), not discovered later.
 */
int hv_proc_spawn(const char *exe, char *const argv[], int in_fd, int out_fd,
		  int err_fd, bool setsid_child, struct hv_proc *p,
		  struct hv_error *err);

/** Watch an existing process (not our child). -ESRCH when it is gone. */
int hv_proc_attach(pid_t pid, struct hv_proc *p);

/** False once the process has exited; reaps it when it is ours (never blocks). */
bool hv_proc_alive(struct hv_proc *p);

/**
 * Wait until the process has exited and, when it is ours to reap (child,
 * or orphan of a subreaper), has been reaped: 0, or -ETIMEDOUT.
 */
int hv_proc_wait(struct hv_proc *p, unsigned int timeout_ms);

/** Send a signal if the process is still alive. */
int hv_proc_signal(struct hv_proc *p, int sig);

/** "exited with status 1", "killed by signal 9", "exited" (not reaped by us). */
void hv_proc_describe(const struct hv_proc *p, char *buf, size_t len);

/** Close the pidfd (reaping an exited child first). */
void hv_proc_release(struct hv_proc *p);

/**
 * /proc/PID/cmdline as a NULL-terminated argv (one allocation, free() it).
 * -ESRCH when the process is gone or has no command line (a zombie).
 */
int hv_proc_cmdline(pid_t pid, char ***argvp);

/* ---- qmp.c (internals used by vm.c to wait on a starting QEMU) ---- */

/** Connect only (non-blocking); no greeting read yet. */
int hv_qmp_open(const char *path, struct hv_qmp **qp, struct hv_error *err);

/**
 * Read the greeting and negotiate capabilities until `deadline_ms`.
 * Resumable: -ETIMEDOUT keeps what was read, call again to go on.
 */
int hv_qmp_handshake(struct hv_qmp *q, uint64_t deadline_ms,
		     struct hv_error *err);

/* ---- qemu_cmdline.c ---- */

/** Checks shared by start and adopt: [A-Za-z0-9][A-Za-z0-9._-]{0,62}. */
bool hv_name_valid(const char *name);

/** The checks a VM's paths need first: a configuration, a valid name, a
 *  state directory. 0 or a negative errno with `err` filled. */
int hv_config_check_id(const struct hv_vm_config *cfg, struct hv_error *err);

/*
 * QEMU's seccomp filter, for the VMs and the accelerator probe alike: no
 * obsolete calls, no fork/exec, no resource control. elevateprivileges
 * stays allowed: the filter is installed before -runas drops privileges,
 * which needs setuid().
 */
#define HV_QEMU_SANDBOX "on,obsolete=deny,spawn=deny,resourcecontrol=deny"

#endif /* YARD_HV_PRIV_H */
