/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spawning and watching QEMU processes.
 *
 * A process is watched through a pidfd when the kernel has them (5.3+): its
 * exit is seen even when it is not our child and nobody reaps it (a zombie
 * still "exists" for kill(pid, 0)), signals cannot hit a recycled pid, and
 * waitid(P_PIDFD) reaps exactly that process. Without pidfds we fall back
 * to waitpid() for children and kill(0) + /proc/PID/stat for the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv_priv.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int
sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int
sys_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Mark every descriptor from 3 up close-on-exec, in the child between fork
 * and exec: whatever the caller (or a library it links) opened without
 * O_CLOEXEC must not leak into a long-lived QEMU. Only async-signal-safe
 * calls here.
 */
static void
child_cloexec_all(void)
{
	struct rlimit rl;
	int fd, max = 65536;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Put `src` (or /dev/null when -1) on descriptor `dst`, inheritable. */
static int
child_install_fd(int src, int dst)
{
	if (src < 0) {
		src = open("/dev/null", O_RDWR);
		if (src < 0)
			return -1;
	}
	if (src == dst)
		return fcntl(dst, F_SETFD, 0);
	return dup2(src, dst) < 0 ? -1 : 0;
}

static void __attribute__((noreturn))
child_exec(const char *exe, char *const argv[], int fds[3], bool setsid_child,
	   int report_fd)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	int i, e, moved[3];

	/* Ignored signals survive exec: give QEMU the default dispositions. */
	for (i = 1; i < NSIG; i++)
		sigaction(i, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid_child)
		setsid();
	/* Move the sources above 2 first so that installing one cannot
	 * overwrite another that happens to sit on 0..2. */
	for (i = 0; i < 3; i++)
		moved[i] = fds[i] < 0 ? -1 : fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
	for (i = 0; i < 3; i++)
		if ((fds[i] >= 0 && moved[i] < 0) || child_install_fd(moved[i], i) < 0)
			goto fail;
	child_cloexec_all();
	execv(exe, argv);
fail:
	e = errno;
	if (write(report_fd, &e, sizeof(e)) < 0) {
		/* Nothing else to do: the parent sees an exit without exec. */
	}
	_exit(127);
}

int
hv_proc_spawn(const char *exe, char *const argv[], int in_fd, int out_fd,
	      int err_fd, bool setsid_child, struct hv_proc *p,
	      struct hv_error *err)
{
	int report[2], fds[3] = { in_fd, out_fd, err_fd };
	int child_errno = 0, status;
	ssize_t n;
	pid_t pid;

	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
	if (pipe2(report, O_CLOEXEC) < 0)
		return hv_err(err, -errno, "cannot create a pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(report[0]);
		close(report[1]);
		return hv_err(err, -e, "cannot fork: %s", strerror(e));
	}
	if (pid == 0)
		child_exec(exe, argv, fds, setsid_child, report[1]);
	close(report[1]);
	/* EOF: exec succeeded (the pipe was close-on-exec). */
	do
		n = read(report[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return hv_err(err, -child_errno, "cannot run %s: %s", exe,
			      strerror(child_errno));
	}
	p->pid = pid;
	p->child = true;
	p->pidfd = sys_pidfd_open(pid);
	return 0;
}

int
hv_proc_attach(pid_t pid, struct hv_proc *p)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->pidfd = sys_pidfd_open(pid);
	if (p->pidfd < 0 && errno == ESRCH)
		return -ESRCH;
	return hv_proc_alive(p) ? 0 : -ESRCH;
}

/* State letter and parent of /proc/PID/stat; false when unreadable. */
static bool
proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd, parent;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses. */
	paren = strrchr(buf, ')');
	if (paren == NULL || sscanf(paren + 1, " %c %d", state, &parent) != 2)
		return false;
	*ppid = (pid_t)parent;
	return true;
}

static void
mark_reaped(struct hv_proc *p, int wstatus)
{
	p->exited = true;
	p->reaped = true;
	p->wstatus = wstatus;
}

/*
 * Reap an exited process when it is ours to reap: our child, or an orphan
 * handed to us as child subreaper. Never blocks.
 */
static void
try_reap(struct hv_proc *p)
{
	char state;
	pid_t ppid, r;
	int status;

	if (p->reaped || p->not_ours)
		return;
	if (p->pidfd >= 0) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid((idtype_t)P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG) == 0) {
			if (si.si_pid != 0)
				mark_reaped(p, si.si_code == CLD_EXITED ?
					    W_EXITCODE(si.si_status, 0) : si.si_status);
			return;
		}
		if (errno == ECHILD) {
			p->not_ours = true;
			return;
		}
		/* EINVAL: kernel 5.3 has pidfds but not P_PIDFD yet. */
	}
	/* By pid: only when it is our child, so a recycled pid is never hit. */
	if (!p->child && !(proc_stat(p->pid, &state, &ppid) && ppid == getpid())) {
		p->not_ours = !p->child;
		return;
	}
	r = waitpid(p->pid, &status, WNOHANG);
	if (r == p->pid)
		mark_reaped(p, status);
	else if (r < 0 && errno == ECHILD)
		p->not_ours = true;	/* someone else reaped it */
}

bool
hv_proc_alive(struct hv_proc *p)
{
	char state;
	pid_t ppid;

	if (p->exited) {
		try_reap(p);
		return false;
	}
	if (p->pidfd >= 0) {
		struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

		/* Readable once the whole thread group is gone. */
		if (poll(&pfd, 1, 0) == 0)
			return true;
		p->exited = true;
		try_reap(p);
		return false;
	}
	if (p->child) {
		try_reap(p);
		if (p->reaped || p->not_ours) {
			p->exited = true;
			return false;
		}
	}
	if (kill(p->pid, 0) < 0 && errno == ESRCH) {
		p->exited = true;
		return false;
	}
	/*
	 * A zombie has exited. A multithreaded one (QEMU) shows as a zombie
	 * while its other threads finish, before it can be reaped: try_reap()
	 * is called again on later calls and by hv_proc_wait().
	 */
	if (proc_stat(p->pid, &state, &ppid) && (state == 'Z' || state == 'X')) {
		p->exited = true;
		try_reap(p);
		return false;
	}
	return true;
}

int
hv_proc_wait(struct hv_proc *p, unsigned int timeout_ms)
{
	uint64_t deadline = hv_now_ms() + timeout_ms;

	while (hv_proc_alive(p)) {
		int left = hv_remaining_ms(deadline);

		if (left == 0)
			return -ETIMEDOUT;
		if (p->pidfd >= 0) {
			struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

			poll(&pfd, 1, left);
		} else {
			hv_sleep_ms(left < 20 ? (unsigned int)left : 20);
		}
	}
	/* Exited; when it is ours, return once it is reaped (no zombie). */
	while (!p->reaped && !p->not_ours && hv_remaining_ms(deadline) > 0) {
		hv_sleep_ms(5);
		try_reap(p);
	}
	return 0;
}

int
hv_proc_signal(struct hv_proc *p, int sig)
{
	if (!hv_proc_alive(p))
		return -ESRCH;
	if (p->pidfd >= 0) {
		if (sys_pidfd_send_signal(p->pidfd, sig) == 0)
			return 0;
		if (errno != ENOSYS)
			return -errno;
	}
	return kill(p->pid, sig) < 0 ? -errno : 0;
}

void
hv_proc_describe(const struct hv_proc *p, char *buf, size_t len)
{
	if (!p->reaped)
		snprintf(buf, len, "exited");
	else if (WIFEXITED(p->wstatus))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(p->wstatus));
	else if (WIFSIGNALED(p->wstatus))
		snprintf(buf, len, "was killed by signal %d (%s)",
			 WTERMSIG(p->wstatus), strsignal(WTERMSIG(p->wstatus)));
	else
		snprintf(buf, len, "exited (wait status 0x%x)", p->wstatus);
}

void
hv_proc_release(struct hv_proc *p)
{
	/* An exited child is reaped now, or it would stay a zombie. */
	if (!hv_proc_alive(p))
		hv_proc_wait(p, 1000);
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

int
hv_proc_cmdline(pid_t pid, char ***argvp)
{
	char path[64], *buf = NULL, **argv, *s;
	size_t len = 0, cap = 0;
	int fd, argc = 0, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == 0) {
		free(buf);
		return -ESRCH;
	}
	buf[len] = '\0';
	for (s = buf; s < buf + len; s += strlen(s) + 1)
		argc++;
	/* One block: the pointer array, then the strings. */
	argv = malloc((size_t)(argc + 1) * sizeof(char *) + len + 1);
	if (argv == NULL) {
		free(buf);
		return -ENOMEM;
	}
	s = (char *)(argv + argc + 1);
	memcpy(s, buf, len + 1);
	for (i = 0; i < argc; i++) {
		argv[i] = s;
		s += strlen(s) + 1;
	}
	argv[argc] = NULL;
	free(buf);
	*argvp = argv;
	return 0;
}
