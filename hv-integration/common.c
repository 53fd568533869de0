/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Errors, the log hook, time and file helpers of the VM launcher.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hv_priv.h"

static hv_log_fn log_fn;
static void *log_ctx;

void
hv_log_set(hv_log_fn fn, void *ctx)
{
	log_fn = fn;
	log_ctx = ctx;
}

void
hv_log(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_fn != NULL)
		log_fn(log_ctx, msg);
	else
		fprintf(stderr, "hv: %s\n", msg);
}

int
hv_err(struct hv_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

uint64_t
hv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
hv_remaining_ms(uint64_t deadline_ms)
{
	uint64_t now = hv_now_ms();

	if (now >= deadline_ms)
		return 0;
	if (deadline_ms - now > INT_MAX)
		return INT_MAX;
	return (int)(deadline_ms - now);
}

void
hv_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
hv_path_join(char *buf, size_t len, const char *dir, const char *file)
{
	int n = snprintf(buf, len, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static bool
is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

int
hv_qemu_find(const char *qemu, char *path, size_t len, struct hv_error *err)
{
	const char *name = qemu != NULL && qemu[0] != '\0' ? qemu : HV_QEMU_DEFAULT;
	const char *env, *p;

	if (strchr(name, '/') != NULL) {
		if (snprintf(path, len, "%s", name) >= (int)len)
			return hv_err(err, -ENAMETOOLONG, "QEMU path '%s' is too long", name);
		if (!is_executable(path))
			return hv_err(err, -ENOENT,
				      "QEMU '%s' is missing or not executable: install qemu-system-x86",
				      name);
		return 0;
	}
	env = getenv("PATH");
	if (env == NULL || env[0] == '\0')
		env = "/usr/local/bin:/usr/bin:/bin";
	for (p = env; ; ) {
		const char *end = strchrnul(p, ':');
		int dlen = (int)(end - p);

		/* An empty PATH element means the current directory. */
		if (snprintf(path, len, "%.*s/%s", dlen, dlen ? p : ".", name) <
		    (int)len && is_executable(path))
			return 0;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	path[0] = '\0';
	return hv_err(err, -ENOENT,
		      "QEMU '%s' not found in PATH (%s): install qemu-system-x86",
		      name, env);
}

/* Read at most the last `max` bytes of a file into a NUL-terminated buffer. */
static char *
read_tail(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	off_t off = 0;
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (buf = malloc(max + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	if (st.st_size > (off_t)max)
		off = st.st_size - (off_t)max;
	while (got < max && (n = pread(fd, buf + got, max - got, off + (off_t)got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return buf;
}

/*
 * QEMU prefixes its messages with "[TIMESTAMP ]qemu-system-x86_64: "
 * (-msg timestamp=on gives "2026-11-21T00:52:49.241521Z "). `line` is one
 * NUL-terminated line.
 */
static const char *
strip_qemu_prefix(const char *line)
{
	const char *sp = strchr(line, ' ');
	const char *colon;

	if (sp != NULL && sp - line > 20 && line[4] == '-' && line[10] == 'T' &&
	    sp[-1] == 'Z')
		line = sp + 1;
	colon = strstr(line, ": ");
	if (colon != NULL && strncmp(line, "qemu-system-", 12) == 0 &&
	    memchr(line, ' ', (size_t)(colon - line)) == NULL)
		line = colon + 2;
	return line;
}

void
hv_file_tail(const char *path, char *buf, size_t len)
{
	char *text = read_tail(path, 4096);
	char *lines[4];
	int n = 0, i;
	char *save = NULL, *l;
	size_t used = 0;

	buf[0] = '\0';
	if (text == NULL)
		return;
	/* Keep the last lines that carry text, oldest first. */
	for (l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		if (l[strspn(l, " \t\r")] == '\0')
			continue;
		if (n == 4) {
			memmove(lines, lines + 1, 3 * sizeof(lines[0]));
			n = 3;
		}
		lines[n++] = l;
	}
	for (i = n > 2 ? n - 2 : 0; i < n && used + 1 < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s",
				 used ? "; " : "", strip_qemu_prefix(lines[i]));
		if (w < 0)
			break;
		used += (size_t)w;
		if (used >= len)
			used = len - 1;
	}
	free(text);
}

bool
hv_file_find(const char *path, const char *needle, char *line, size_t len)
{
	/* QEMU's log holds a few lines per run; 1 MiB covers it with room. */
	char *text = read_tail(path, 1u << 20);
	const char *hit, *start, *end;

	if (text == NULL)
		return false;
	hit = strstr(text, needle);
	if (hit != NULL && line != NULL && len > 0) {
		for (start = hit; start > text && start[-1] != '\n'; start--)
			;
		end = strchrnul(hit, '\n');
		*(char *)end = '\0';
		snprintf(line, len, "%s", strip_qemu_prefix(start));
	}
	free(text);
	return hit != NULL;
}
