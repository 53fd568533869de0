/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl capture: open a capture session in yard-dp (through yardd), read
 * it until the count, the duration or an interrupt ends it, and write what
 * it returns as pcapng: one interface block per port and direction, the
 * drop reason and node in each dropped packet's comment.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "yardctl_priv.h"

#define CAP_IFACES_MAX 256
#define CAP_POLL_MS 20

/* pcapng block types and options (draft-ietf-opsawg-pcapng). */
#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER 0x1A2B3C4Du
#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_EPB_FLAGS 2
#define LINKTYPE_ETHERNET 1
#define CAP_SNAPLEN 2048

struct cap_writer {
	FILE *f;
	char ifaces[CAP_IFACES_MAX][48];	/* "PORT:DIR", in IDB order. */
	unsigned int n_ifaces;
	uint8_t *buf;
	size_t len, cap;
};

static volatile sig_atomic_t cap_stop;

static void
cap_on_signal(int sig)
{
	(void)sig;
	cap_stop = 1;
}

static void
blk_put(struct cap_writer *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		size_t cap = (w->len + n) * 2;
		uint8_t *b = realloc(w->buf, cap);

		if (b == NULL)
			yc_die_nomem();
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
blk_u32(struct cap_writer *w, uint32_t v)
{
	blk_put(w, &v, 4);
}

static void
blk_pad(struct cap_writer *w)
{
	static const uint8_t zero[4];

	blk_put(w, zero, (4 - w->len % 4) % 4);
}

static void
blk_opt(struct cap_writer *w, uint16_t code, const void *p, uint16_t n)
{
	blk_put(w, &code, 2);
	blk_put(w, &n, 2);
	blk_put(w, p, n);
	blk_pad(w);
}

static void
blk_begin(struct cap_writer *w, uint32_t type)
{
	w->len = 0;
	blk_u32(w, type);
	blk_u32(w, 0);	/* Length, set by blk_end(). */
}

/* Close the block (end of options, trailing length) and write it. */
static int
blk_end(struct cap_writer *w, bool opts)
{
	uint32_t total;

	if (opts)
		blk_opt(w, OPT_END, NULL, 0);
	total = (uint32_t)w->len + 4;
	memcpy(w->buf + 4, &total, 4);
	blk_u32(w, total);
	return fwrite(w->buf, 1, w->len, w->f) == w->len ? 0 : -1;
}

static int
cap_shb(struct cap_writer *w)
{
	static const char app[] = "yardctl capture";
	uint16_t ver[2] = { 1, 0 };
	int64_t section_len = -1;

	blk_begin(w, PCAPNG_SHB);
	blk_u32(w, PCAPNG_BYTE_ORDER);
	blk_put(w, ver, sizeof(ver));
	blk_put(w, &section_len, sizeof(section_len));
	blk_opt(w, 4 /* shb_userappl */, app, sizeof(app) - 1);
	return blk_end(w, true);
}

/* The interface id of "PORT:DIR", written as an IDB the first time. */
static int
cap_iface(struct cap_writer *w, const char *port, const char *dir)
{
	uint16_t link[2] = { LINKTYPE_ETHERNET, 0 };
	uint8_t tsresol = 9;	/* Nanoseconds. */
	char name[48];

	snprintf(name, sizeof(name), "%s:%s", port, dir);
	for (unsigned int i = 0; i < w->n_ifaces; i++)
		if (strcmp(w->ifaces[i], name) == 0)
			return (int)i;
	if (w->n_ifaces == CAP_IFACES_MAX)
		return -1;
	blk_begin(w, PCAPNG_IDB);
	blk_put(w, link, sizeof(link));
	blk_u32(w, CAP_SNAPLEN);
	blk_opt(w, OPT_IF_NAME, name, (uint16_t)strlen(name));
	blk_opt(w, OPT_IF_TSRESOL, &tsresol, 1);
	if (blk_end(w, true) < 0)
		return -1;
	snprintf(w->ifaces[w->n_ifaces], sizeof(w->ifaces[0]), "%s", name);
	return (int)w->n_ifaces++;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One packet of capture.read as an EPB. -1 on a write error. */
static int
cap_packet(struct cap_writer *w, json_t *p)
{
	const char *port = json_string_value(json_object_get(p, "port"));
	const char *dir = json_string_value(json_object_get(p, "dir"));
	const char *hex = json_string_value(json_object_get(p, "data"));
	const char *reason = json_string_value(json_object_get(p, "reason"));
	const char *node = json_string_value(json_object_get(p, "node"));
	uint64_t t = (uint64_t)json_integer_value(json_object_get(p, "time_ns"));
	uint32_t len = (uint32_t)json_integer_value(json_object_get(p, "len"));
	uint32_t caplen, flags;
	int ifc;

	if (port == NULL || dir == NULL || hex == NULL || strlen(hex) % 2 != 0)
		return 0;	/* Not what yard-dp sends: skipped. */
	ifc = cap_iface(w, port, dir);
	if (ifc < 0)
		return -1;
	caplen = (uint32_t)strlen(hex) / 2;
	blk_begin(w, PCAPNG_EPB);
	blk_u32(w, (uint32_t)ifc);
	blk_u32(w, (uint32_t)(t >> 32));
	blk_u32(w, (uint32_t)t);
	blk_u32(w, caplen);
	blk_u32(w, len);
	for (uint32_t i = 0; i < caplen; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		uint8_t b = (uint8_t)((hi < 0 ? 0 : hi) << 4 | (lo < 0 ? 0 : lo));

		blk_put(w, &b, 1);
	}
	blk_pad(w);
	/* epb_flags: inbound 1, outbound 2 (drops were received). */
	flags = strcmp(dir, "tx") == 0 ? 2 : 1;
	blk_opt(w, OPT_EPB_FLAGS, &flags, 4);
	if (reason != NULL) {
		char comment[160];
		int n = snprintf(comment, sizeof(comment), "dropped by %s: %s",
				 node ? node : "?", reason);

		blk_opt(w, OPT_COMMENT, comment,
			(uint16_t)(n < (int)sizeof(comment) ? n :
				   (int)sizeof(comment) - 1));
	}
	return blk_end(w, true);
}

static bool
cap_reader_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct cap_opts {
	const char *file;	/* "-": standard output. */
	long long count;	/* 0: no limit. */
	double duration;	/* 0: no limit. */
};

static int
cap_usage(const char *fmt, const char *arg)
{
	fputs("yardctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nUsage: yardctl capture PORT [--rx|--tx|--both] [--filter BPF] "
	      "[-c COUNT] [--duration S] -w FILE|-\n"
	      "       yardctl capture --drops [--reason NAME] [--network N] "
	      "[--filter BPF] ... -w FILE|-\n"
	      "Try 'yardctl capture --help' for more information.\n", stderr);
	return YC_EXIT_USAGE;
}

static int
trace_usage(const char *fmt, const char *arg)
{
	fputs("yardctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nUsage: yardctl trace [PORT] [-c N] [--filter BPF] [--duration S]\n"
	      "Try 'yardctl trace --help' for more information.\n", stderr);
	return YC_EXIT_USAGE;
}

/* The value of option pos[*i] (its next word), or NULL when missing. */
static const char *
cap_value(int npos, char **pos, int *i)
{
	if (*i + 1 >= npos)
		return NULL;
	return pos[++*i];
}

static int
cap_run(struct yc *y, json_t *params, const struct cap_opts *o)
{
	struct cap_writer w = { 0 };
	json_t *res = NULL;
	long long id, got = 0;
	uint64_t lost = 0;
	double end = o->duration > 0 ? now_s() + o->duration : 0;
	bool to_stdout = strcmp(o->file, "-") == 0, failed = false;
	struct sigaction sa = { .sa_handler = cap_on_signal };

	w.f = to_stdout ? stdout : fopen(o->file, "wb");
	if (w.f == NULL) {
		fprintf(stderr, "yardctl: cannot write %s: %s\n", o->file,
			strerror(errno));
		json_decref(params);
		return YC_EXIT_FAIL;
	}
	if (yc_call(y, "capture.start", params, &res) < 0) {
		if (!to_stdout) {
			fclose(w.f);
			unlink(o->file);
		}
		return YC_EXIT_FAIL;
	}
	id = json_integer_value(json_object_get(res, "id"));
	json_decref(res);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cap_shb(&w) < 0 || fflush(w.f) != 0)
		failed = true;
	fprintf(stderr, "yardctl: capture %lld started%s\n", id,
		o->count || o->duration ? "" : "; Ctrl-C stops it");
	while (!failed) {
		bool last = cap_stop || (end > 0 && now_s() >= end);
		json_t *pkts, *p;
		size_t i;

		if (yc_call(y, "capture.read", json_pack("{s:I}", "id",
							 (json_int_t)id), &res) < 0) {
			failed = true;
			break;
		}
		pkts = json_object_get(res, "packets");
		json_array_foreach(pkts, i, p) {
			if (o->count > 0 && got >= o->count)
				break;
			if (cap_packet(&w, p) < 0) {
				failed = true;
				break;
			}
			got++;
		}
		if (fflush(w.f) != 0)
			failed = true;
		/* A pipe whose reader left fails only on a write: ask. */
		if (to_stdout && cap_reader_gone())
			break;
		if (json_array_size(pkts) == 0 && !last)
			nanosleep(&(struct timespec){ 0, CAP_POLL_MS * 1000000L },
				  NULL);
		json_decref(res);
		if (last || (o->count > 0 && got >= o->count))
			break;
	}
	/* A reader that closed the pipe (tshark -c, head) ends it: no error. */
	if (failed && errno == EPIPE)
		failed = false;
	if (yc_call(y, "capture.stop", json_pack("{s:I}", "id", (json_int_t)id),
		    &res) == 0) {
		lost = (uint64_t)json_integer_value(json_object_get(res, "lost"));
		json_decref(res);
	}
	if (!to_stdout && fclose(w.f) != 0)
		failed = true;
	free(w.buf);
	fprintf(stderr, "yardctl: %lld packets written, %llu lost by the "
		"capture (its ring was full)\n", got, (unsigned long long)lost);
	return failed ? YC_EXIT_FAIL : YC_EXIT_OK;
}

int
yc_capture(struct yc *y, int npos, char **pos)
{
	struct cap_opts o = { 0 };
	json_t *params = json_object();
	bool rx = false, tx = false, drops = false;
	const char *port = NULL;
	char *endp;

	if (params == NULL)
		yc_die_nomem();
	for (int i = 0; i < npos; i++) {
		const char *a = pos[i], *v;
		const char *key = NULL;

		if (strcmp(a, "--rx") == 0) {
			rx = true;
		} else if (strcmp(a, "--tx") == 0) {
			tx = true;
		} else if (strcmp(a, "--both") == 0) {
			rx = tx = true;
		} else if (strcmp(a, "--drops") == 0) {
			drops = true;
		} else if (strcmp(a, "--filter") == 0) {
			key = "filter";
		} else if (strcmp(a, "--reason") == 0) {
			key = "reason";
		} else if (strcmp(a, "--network") == 0) {
			key = "network";
		} else if (strcmp(a, "--ring") == 0) {
			if ((v = cap_value(npos, pos, &i)) == NULL)
				goto missing;
			json_object_set_new(params, "ring",
					    json_integer(strtoll(v, NULL, 10)));
		} else if (strcmp(a, "-w") == 0 || strcmp(a, "--write") == 0) {
			if ((o.file = cap_value(npos, pos, &i)) == NULL)
				goto missing;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--count") == 0) {
			if ((v = cap_value(npos, pos, &i)) == NULL)
				goto missing;
			o.count = strtoll(v, &endp, 10);
			if (*endp != '\0' || o.count <= 0) {
				json_decref(params);
				return cap_usage("-c: '%s' is not a count above 0", v);
			}
		} else if (strcmp(a, "--duration") == 0) {
			if ((v = cap_value(npos, pos, &i)) == NULL)
				goto missing;
			o.duration = strtod(v, &endp);
			if (*endp != '\0' || o.duration <= 0) {
				json_decref(params);
				return cap_usage("--duration: '%s' is not a number "
						 "of seconds above 0", v);
			}
		} else if (a[0] == '-' && a[1] != '\0') {
			json_decref(params);
			return cap_usage("unknown option '%s'", a);
		} else if (port == NULL) {
			port = a;
		} else {
			json_decref(params);
			return cap_usage("unexpected argument '%s'", a);
		}
		if (key != NULL) {
			if ((v = cap_value(npos, pos, &i)) == NULL)
				goto missing;
			json_object_set_new(params, key, json_string(v));
		}
		continue;
missing:
		json_decref(params);
		return cap_usage("%s needs a value", a);
	}
	if (o.file == NULL) {
		json_decref(params);
		return cap_usage("%s", "where to? -w FILE, or -w - for standard "
				 "output (yardctl capture p1 -w - | tshark -r -)");
	}
	if (port == NULL && !drops) {
		json_decref(params);
		return cap_usage("%s", "capture on which port? (or --drops)");
	}
	if (port != NULL)
		json_object_set_new(params, "port", json_string(port));
	if (drops && !rx && !tx && port != NULL)
		rx = tx = false;
	else if (!drops && !rx && !tx)
		rx = tx = true;
	json_object_set_new(params, "rx", json_boolean(rx));
	json_object_set_new(params, "tx", json_boolean(tx));
	json_object_set_new(params, "drops", json_boolean(drops));
	return cap_run(y, params, &o);
}

/*
 * yardctl trace: follow the next packets through the live graph. Each
 * packet prints one line per copy that leaves the graph (a flooded frame,
 * one per port).
 */
int
yc_trace(struct yc *y, int npos, char **pos)
{
	struct sigaction sa = { .sa_handler = cap_on_signal };
	long long count = 10, id, seen = 0;
	json_t *params = json_object(), *res;
	double duration = 0, end;
	const char *port = NULL, *v;
	bool done = false;
	char *endp;

	if (params == NULL)
		yc_die_nomem();
	for (int i = 0; i < npos; i++) {
		const char *a = pos[i];

		if (strcmp(a, "-c") == 0 || strcmp(a, "--count") == 0 ||
		    strcmp(a, "--duration") == 0 || strcmp(a, "--filter") == 0) {
			if ((v = cap_value(npos, pos, &i)) == NULL) {
				json_decref(params);
				return trace_usage("%s needs a value", a);
			}
			if (a[2] == 'f') {
				json_object_set_new(params, "filter", json_string(v));
				continue;
			}
			if (a[2] == 'd') {
				duration = strtod(v, &endp);
				if (*endp == '\0' && duration > 0)
					continue;
			} else {
				count = strtoll(v, &endp, 10);
				if (*endp == '\0' && count > 0 && count <= 10000)
					continue;
			}
			json_decref(params);
			return trace_usage("'%s' is out of range", v);
		} else if (a[0] == '-' && a[1] != '\0') {
			json_decref(params);
			return trace_usage("unknown option '%s'", a);
		} else if (port == NULL) {
			port = a;
		} else {
			json_decref(params);
			return trace_usage("unexpected argument '%s'", a);
		}
	}
	if (port != NULL)
		json_object_set_new(params, "port", json_string(port));
	json_object_set_new(params, "count", json_integer(count));
	if (yc_call(y, "trace.start", params, &res) < 0)
		return YC_EXIT_FAIL;
	id = json_integer_value(json_object_get(res, "id"));
	json_decref(res);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	end = duration > 0 ? now_s() + duration : 0;
	fprintf(stderr, "yardctl: tracing the next %lld packets%s%s\n", count,
		port ? " entering " : "", port ? port : "");
	while (!done) {
		/* One more read after the last packet: its flood copies. */
		bool last = cap_stop || (end > 0 && now_s() >= end) || seen >= count;
		json_t *pkts, *p;
		size_t i;

		if (yc_call(y, "capture.read", json_pack("{s:I}", "id",
							 (json_int_t)id), &res) < 0)
			return YC_EXIT_FAIL;
		pkts = json_object_get(res, "packets");
		json_array_foreach(pkts, i, p) {
			long long n = json_integer_value(json_object_get(p, "packet"));

			printf("#%lld %s\n", n,
			       json_string_value(json_object_get(p, "trace")));
			if (n > seen)
				seen = n;
		}
		fflush(stdout);
		json_decref(res);
		done = last;
		if (!done)
			nanosleep(&(struct timespec){ 0, (seen >= count ? 100 : CAP_POLL_MS) *
						      1000000L }, NULL);
	}
	if (yc_call(y, "capture.stop", json_pack("{s:I}", "id", (json_int_t)id),
		    &res) == 0) {
		long long lost = json_integer_value(json_object_get(res, "lost"));

		if (lost > 0)
			fprintf(stderr, "yardctl: %lld trace records lost (ring full)\n",
				lost);
		json_decref(res);
	}
	return YC_EXIT_OK;
}
