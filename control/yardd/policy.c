/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's host policy. Devargs are parsed, never passed through: a device
 * name of the port's own driver, then only the keys that driver needs, each
 * value checked for what it names on the host (a file, an interface).
 * Paths are compared after realpath(): a ".." or a symlink that leads out
 * of an allowed directory is outside it.
 */
#include <ctype.h>
#include <pwd.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define DEFAULT_VHOST_DIR "/run/yard/vhost"
#define DEFAULT_IMAGE_DIR "/var/lib/yard/images"
#define DEFAULT_QEMU_USER "yard-qemu"
#define DEFAULT_IDLE_TIMEOUT 60
#define DEFAULT_MAX_PER_UID 16

/* Bits of policy.replaced: lists whose default the file replaced. */
#define REPLACED_IMAGE_DIRS 1u

#define DEVARGS_KV_MAX 16

/* Keys whose value is a host interface, checked against `iface` lines. */
static const char *const iface_keys[] = {
	"iface", "rx_iface", "rx_iface_in", "tx_iface", NULL,
};

/* Keys whose value is a file the driver opens, checked against pcap_dir. */
static const char *const file_keys[] = { "rx_pcap", "tx_pcap", NULL };

/* What each kind may say: its driver and its keys (NULL: any key). */
struct kind_rule {
	enum topo_port_kind kind;
	const char *driver;
	const char *const *keys;
};

static const char *const tap_keys[] = { "iface", "mac", NULL };
static const char *const pcap_keys[] = {
	"infinite_rx", "phy_mac", "rx_iface", "rx_iface_in", "rx_pcap",
	"tx_iface", "tx_pcap", "iface", NULL,
};
static const char *const afxdp_keys[] = {
	"iface", "queue_count", "start_queue", NULL,
};

static const struct kind_rule kind_rules[] = {
	{ TOPO_PORT_TAP, "net_tap", tap_keys },
	{ TOPO_PORT_PCAP, "net_pcap", pcap_keys },
	{ TOPO_PORT_AFXDP, "net_af_xdp", afxdp_keys },
};

static bool
in_names(const char *const *names, const char *s)
{
	for (unsigned int i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

static bool
in_list(const struct policy_list *l, const char *s)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (strcmp(l->item[i], s) == 0)
			return true;
	return false;
}

/* "a, b" or "none configured", for messages. */
static void
list_str(const struct policy_list *l, char *buf, size_t len)
{
	size_t off = 0;

	snprintf(buf, len, "none configured");
	for (unsigned int i = 0; i < l->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
					l->item[i]);
}

void
policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->vhost_dir, sizeof(p->vhost_dir), "%s", DEFAULT_VHOST_DIR);
	snprintf(p->image_dirs.item[0], PATH_MAX, "%s", DEFAULT_IMAGE_DIR);
	p->image_dirs.n = 1;
	snprintf(p->qemu_user, sizeof(p->qemu_user), "%s", DEFAULT_QEMU_USER);
	p->idle_timeout = DEFAULT_IDLE_TIMEOUT;
	p->max_per_uid = DEFAULT_MAX_PER_UID;
}

static int
dir_value(const char *key, const char *value, char *out, char *why, size_t len)
{
	size_t n = strlen(value);

	if (value[0] != '/' || n >= PATH_MAX) {
		snprintf(why, len, "%s: '%s' is not an absolute directory path; "
			 "give one such as /var/lib/yard/%s", key, value, key);
		return -EINVAL;
	}
	memcpy(out, value, n + 1);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return 0;
}

static int
list_add(struct policy_list *l, const char *key, const char *value,
	 bool is_dir, char *why, size_t len)
{
	if (l->n == POLICY_LIST_MAX) {
		snprintf(why, len, "%s: '%s' is one too many: at most %d %s lines",
			 key, value, POLICY_LIST_MAX, key);
		return -E2BIG;
	}
	if (is_dir) {
		int rc = dir_value(key, value, l->item[l->n], why, len);

		l->n += rc == 0;
		return rc;
	}
	if (value[0] == '\0' || strlen(value) >= PATH_MAX ||
	    strpbrk(value, ",=/ \t[]") != NULL) {
		snprintf(why, len, "%s: '%s' is not a name (no ',', '=', '/', "
			 "spaces or brackets)", key, value);
		return -EINVAL;
	}
	snprintf(l->item[l->n++], PATH_MAX, "%s", value);
	return 0;
}

static int
uint_value(const char *key, const char *value, unsigned int *out, char *why,
	   size_t len)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
	    v > 86400) {
		snprintf(why, len, "%s: '%s' is not a number from 0 to 86400",
			 key, value);
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

int
policy_set(struct policy *p, const char *key, const char *value, char *why,
	   size_t len)
{
	if (strcmp(key, "vhost_dir") == 0)
		return dir_value(key, value, p->vhost_dir, why, len);
	if (strcmp(key, "pcap_dir") == 0)
		return list_add(&p->pcap_dirs, key, value, true, why, len);
	if (strcmp(key, "iface") == 0)
		return list_add(&p->ifaces, key, value, false, why, len);
	if (strcmp(key, "netns") == 0) {
		if (topo_name_check(value) < 0) {
			snprintf(why, len, "netns: '%s' is not a namespace name "
				 "([a-z0-9-], at most %d characters)", value,
				 TOPO_NAME_MAX - 1);
			return -EINVAL;
		}
		return list_add(&p->netns, key, value, false, why, len);
	}
	if (strcmp(key, "phy_driver") == 0)
		return list_add(&p->phy_drivers, key, value, false, why, len);
	if (strcmp(key, "image_dir") == 0) {
		if (!(p->replaced & REPLACED_IMAGE_DIRS)) {
			p->replaced |= REPLACED_IMAGE_DIRS;
			p->image_dirs.n = 0;
		}
		return list_add(&p->image_dirs, key, value, true, why, len);
	}
	if (strcmp(key, "qemu_user") == 0) {
		if (strlen(value) >= sizeof(p->qemu_user) ||
		    strpbrk(value, ",:/ \t") != NULL) {
			snprintf(why, len, "qemu_user: '%s' is not a user name", value);
			return -EINVAL;
		}
		snprintf(p->qemu_user, sizeof(p->qemu_user), "%s", value);
		return 0;
	}
	if (strcmp(key, "idle_timeout") == 0)
		return uint_value(key, value, &p->idle_timeout, why, len);
	if (strcmp(key, "max_per_uid") == 0)
		return uint_value(key, value, &p->max_per_uid, why, len);
	snprintf(why, len, "unknown key '%s': known keys are vhost_dir, pcap_dir, "
		 "iface, netns, phy_driver, image_dir, qemu_user, idle_timeout, "
		 "max_per_uid", key);
	return -EINVAL;
}

static char *
trim(char *s)
{
	char *e = s + strlen(s);

	while (isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
policy_load(struct policy *p, const char *path, bool optional, char *why,
	    size_t len)
{
	char line[PATH_MAX + 64], msg[512];
	unsigned int lineno = 0;
	FILE *f;
	int rc = 0;

	policy_init(p);
	f = fopen(path, "r");
	if (f == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		rc = -errno;
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return rc;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *eq, *key, *s = trim(line);

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(why, len, "%s:%u: '%s' is not 'key = value'", path,
				 lineno, s);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		key = trim(s);
		rc = policy_set(p, key, trim(eq + 1), msg, sizeof(msg));
		if (rc < 0)
			snprintf(why, len, "%s:%u: %s", path, lineno, msg);
	}
	fclose(f);
	return rc;
}

/* ---- Paths ---- */

/*
 * Where `path` leads, every symlink and ".." resolved, into `out`
 * (PATH_MAX). With `may_be_new`, a missing last component is allowed when
 * its directory exists (a file the driver will create).
 */
static int
path_resolve(const char *path, bool may_be_new, char *out)
{
	char dir[PATH_MAX];
	const char *base;
	size_t n;

	if (realpath(path, out) != NULL)
		return 0;
	if (errno != ENOENT || !may_be_new)
		return -errno;
	base = strrchr(path, '/');
	if (base == NULL || base[1] == '\0' || strcmp(base + 1, ".") == 0 ||
	    strcmp(base + 1, "..") == 0)
		return -ENOENT;
	n = (size_t)(base - path);
	memcpy(dir, path, n ? n : 1);
	dir[n ? n : 1] = '\0';
	if (realpath(dir, out) == NULL)
		return -errno;
	n = strlen(out);
	if (n + strlen(base) >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(out + (n > 1 ? n : 0), base, strlen(base) + 1);
	return 0;
}

/* Is the resolved `real` strictly below one of `dirs` (also resolved)? */
static bool
path_below(const struct policy_list *dirs, const char *real)
{
	char dir[PATH_MAX];

	for (unsigned int i = 0; i < dirs->n; i++) {
		size_t n;

		if (realpath(dirs->item[i], dir) == NULL)
			continue;
		n = strlen(dir);
		if (strncmp(real, dir, n) == 0 && (real[n] == '/' || n == 1) &&
		    real[n + (n > 1)] != '\0')
			return true;
	}
	return false;
}

/*
 * A file a client names must be an absolute path that stays inside `dirs`.
 * `real` gets the resolved path. `what` ("devargs key 'tx_pcap'") and
 * `conf_key` ("pcap_dir") go into the message.
 */
static int
path_check(const struct policy_list *dirs, const char *path, bool may_be_new,
	   char *real, const char *who, const char *what,
	   const char *conf_key, char *why, size_t len)
{
	char allowed[1024];
	int rc;

	list_str(dirs, allowed, sizeof(allowed));
	if (path[0] != '/') {
		snprintf(why, len, "%s: %s: '%s' is not an absolute path; give "
			 "one inside %s (%s)", who, what, path, conf_key, allowed);
		return -EPERM;
	}
	rc = path_resolve(path, may_be_new, real);
	if (rc < 0) {
		snprintf(why, len, "%s: %s: '%s': %s", who, what, path,
			 strerror(-rc));
		return -EPERM;
	}
	if (!path_below(dirs, real)) {
		snprintf(why, len, "%s: %s: '%s' is outside the allowed "
			 "directories (%s: %s); put the file in one, or add "
			 "'%s = DIR' to %s", who, what, path, conf_key, allowed,
			 conf_key, POLICY_CONF_DEFAULT);
		return -EPERM;
	}
	return 0;
}

/* ---- Ports ---- */

static bool
is_pci_addr(const char *s)
{
	static const char dom[] = "xxxx:xx:xx.x", bdf[] = "xx:xx.x";
	const char *shape = strlen(s) == strlen(dom) ? dom :
			    strlen(s) == strlen(bdf) ? bdf : NULL;

	if (shape == NULL)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}

/* A vdev name of `driver`: the driver's name, then [a-z0-9_]*. */
static bool
is_driver_dev(const char *name, const char *driver)
{
	size_t n = strlen(driver);

	if (strncmp(name, driver, n) != 0)
		return false;
	for (const char *c = name + n; *c != '\0'; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
		    *c != '_')
			return false;
	return true;
}

/* Check one key=value against the host-facing rules. */
static int
devarg_check(const struct policy *p, enum topo_port_kind kind,
	     const char *who, const char *key, const char *value, char *why,
	     size_t len)
{
	char what[128], real[PATH_MAX], allowed[1024];

	snprintf(what, sizeof(what), "devargs key '%s'", key);
	if (value[0] == '\0' || strpbrk(value, "[]") != NULL) {
		snprintf(why, len, "%s: %s: '%s' is empty or a list; give one "
			 "plain value", who, what, value);
		return -EPERM;
	}
	if (in_names(file_keys, key))
		return path_check(&p->pcap_dirs, value, true, real, who, what,
				  "pcap_dir", why, len);
	/* A tap's iface is the interface it creates, not one of the host's. */
	if (in_names(iface_keys, key) && kind != TOPO_PORT_TAP &&
	    !in_list(&p->ifaces, value)) {
		list_str(&p->ifaces, allowed, sizeof(allowed));
		snprintf(why, len, "%s: %s: host interface '%s' is not allowed "
			 "(iface: %s); add 'iface = %s' to %s to let ports use it",
			 who, what, value, allowed, value, POLICY_CONF_DEFAULT);
		return -EPERM;
	}
	if (strchr(value, '/') != NULL && !in_names(file_keys, key)) {
		snprintf(why, len, "%s: %s: '%s' looks like a path; only "
			 "rx_pcap and tx_pcap may name files", who, what, value);
		return -EPERM;
	}
	return 0;
}

/* Device name of `port` against its kind: the rule for its keys, or NULL (any). */
static int
devname_check(const struct policy *p, const struct topo_port *port,
	      const char *who, const char *name, const char *const **keys,
	      char *why, size_t len)
{
	const char *kind = topo_port_kind_str(port->kind);
	char allowed[1024];

	for (size_t i = 0; i < sizeof(kind_rules) / sizeof(kind_rules[0]); i++) {
		if (kind_rules[i].kind != port->kind)
			continue;
		*keys = kind_rules[i].keys;
		if (is_driver_dev(name, kind_rules[i].driver))
			return 0;
		snprintf(why, len, "%s: devargs device '%s' is not a %s device; "
			 "a %s port takes %sNAME (NAME of [a-z0-9_]), e.g. %s0",
			 who, name, kind_rules[i].driver, kind,
			 kind_rules[i].driver, kind_rules[i].driver);
		return -EPERM;
	}
	/* phy: a PCI address, or a vdev of an allow-listed driver. */
	*keys = NULL;
	if (is_pci_addr(name))
		return 0;
	for (unsigned int i = 0; i < p->phy_drivers.n; i++)
		if (is_driver_dev(name, p->phy_drivers.item[i]))
			return 0;
	list_str(&p->phy_drivers, allowed, sizeof(allowed));
	snprintf(why, len, "%s: devargs device '%s' is neither a PCI address "
		 "(0000:03:00.0) nor a device of an allowed phy driver "
		 "(phy_driver: %s); add 'phy_driver = DRIVER' to %s", who, name,
		 allowed, POLICY_CONF_DEFAULT);
	return -EPERM;
}

static int
devargs_check(const struct policy *p, const struct topo_port *port,
	      const char *who, char *why, size_t len)
{
	char buf[TOPO_DEVARGS_MAX], *save = NULL, *name, *kv;
	const char *const *keys;
	int rc;

	if (port->devargs[0] == '\0')
		return 0;	/* A pcap port without devargs: replay only. */
	snprintf(buf, sizeof(buf), "%s", port->devargs);
	for (const char *c = buf; *c != '\0'; c++)
		if (!isgraph((unsigned char)*c)) {
			snprintf(why, len, "%s: devargs '%s' hold a space or a "
				 "control character", who, port->devargs);
			return -EPERM;
		}
	name = strtok_r(buf, ",", &save);
	if (name == NULL || port->devargs[0] == ',') {
		snprintf(why, len, "%s: devargs '%s' do not start with a device "
			 "name", who, port->devargs);
		return -EPERM;
	}
	rc = devname_check(p, port, who, name, &keys, why, len);
	if (rc < 0)
		return rc;
	while ((kv = strtok_r(NULL, ",", &save)) != NULL) {
		char *eq = strchr(kv, '=');

		if (eq == NULL) {
			snprintf(why, len, "%s: devargs '%s': '%s' is not key=value",
				 who, port->devargs, kv);
			return -EPERM;
		}
		*eq = '\0';
		if (keys != NULL && !in_names(keys, kv)) {
			snprintf(why, len, "%s: devargs key '%s' is not one a %s "
				 "port may use", who, kv,
				 topo_port_kind_str(port->kind));
			return -EPERM;
		}
		rc = devarg_check(p, port->kind, who, kv, eq + 1, why, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
socket_check(const struct policy *p, const struct topo_port *port,
	     const char *who, char *why, size_t len)
{
	size_t dlen = strlen(p->vhost_dir);
	const char *base = port->socket + dlen + 1;
	size_t blen;

	if (strncmp(port->socket, p->vhost_dir, dlen) != 0 ||
	    port->socket[dlen] != '/')
		goto bad;
	blen = strlen(base);
	if (blen <= strlen(".sock") || base[0] == '.' ||
	    strcmp(base + blen - strlen(".sock"), ".sock") != 0)
		goto bad;
	for (const char *c = base; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' &&
		    *c != '.')
			goto bad;
	return 0;
bad:
	snprintf(why, len, "%s: socket '%s' is not %s/NAME.sock (NAME of "
		 "[A-Za-z0-9._-], one path component, no devargs separators); "
		 "use e.g. %s/%s.sock, or set vhost_dir in %s", who, port->socket,
		 p->vhost_dir, p->vhost_dir, port->name, POLICY_CONF_DEFAULT);
	return -EPERM;
}

int
policy_port_check(const struct policy *p, const struct topo_port *port,
		  char *why, size_t len)
{
	char who[TOPO_NAME_MAX + 16];

	char allowed[1024];

	snprintf(who, sizeof(who), "port '%s'", port->name);
	if (port->kind == TOPO_PORT_VHOST)
		return socket_check(p, port, who, why, len);
	/* Into a namespace, yard-dp (root) puts a tenant's tap and addresses. */
	if (port->netns[0] != '\0' && !in_list(&p->netns, port->netns)) {
		list_str(&p->netns, allowed, sizeof(allowed));
		snprintf(why, len, "%s: netns '%s' is not allowed (netns: %s); add "
			 "'netns = %s' to %s to let tap ports enter it", who,
			 port->netns, allowed, port->netns, POLICY_CONF_DEFAULT);
		return -EPERM;
	}
	return devargs_check(p, port, who, why, len);
}

/* ---- VMs ---- */

int
policy_vm_check(const struct policy *p, const struct topo_vm *vm, char *why,
		size_t len)
{
	const struct {
		const char *key, *path;
	} files[] = {
		{ "kernel", vm->kernel }, { "initrd", vm->initrd },
		{ "disk", vm->disk },
	};
	char who[TOPO_NAME_MAX + 16], real[PATH_MAX];

	snprintf(who, sizeof(who), "vm '%s'", vm->name);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int rc;

		if (files[i].path[0] == '\0')
			continue;
		rc = path_check(&p->image_dirs, files[i].path, false, real, who,
				files[i].key, "image_dir", why, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
policy_check(const struct policy *p, const struct topo *t, char *why,
	     size_t len)
{
	char a[PATH_MAX], b[PATH_MAX];
	int rc;

	for (unsigned int i = 0; i < t->n_ports; i++) {
		const struct topo_port *port = &t->ports[i];

		rc = policy_port_check(p, port, why, len);
		if (rc < 0)
			return rc;
		for (unsigned int j = 0; j < i && port->kind == TOPO_PORT_VHOST; j++)
			if (t->ports[j].kind == TOPO_PORT_VHOST &&
			    strcmp(t->ports[j].socket, port->socket) == 0) {
				snprintf(why, len, "port '%s': socket '%s' belongs to "
					 "port '%s' already; give each vhost port "
					 "its own socket", port->name, port->socket,
					 t->ports[j].name);
				return -EPERM;
			}
	}
	for (unsigned int i = 0; i < t->n_vms; i++) {
		rc = policy_vm_check(p, &t->vms[i], why, len);
		if (rc < 0)
			return rc;
		if (t->vms[i].disk[0] == '\0' || realpath(t->vms[i].disk, a) == NULL)
			continue;
		for (unsigned int j = 0; j < i; j++)
			if (t->vms[j].disk[0] != '\0' &&
			    realpath(t->vms[j].disk, b) != NULL && strcmp(a, b) == 0) {
				snprintf(why, len, "vm '%s': disk '%s' belongs to vm "
					 "'%s' already; give each VM its own disk", t->vms[i].name,
					 t->vms[i].disk, t->vms[j].name);
				return -EPERM;
			}
	}
	return 0;
}

int
policy_qemu_user_check(const struct policy *p, char *why, size_t len)
{
	if (p->qemu_user[0] == '\0' || getpwnam(p->qemu_user) != NULL)
		return 0;
	snprintf(why, len, "qemu_user '%s' does not exist on this host, so no VM "
		 "can start (QEMU drops to it with -runas): create it with "
		 "'systemd-sysusers' (meson install ships lib/sysusers.d/yard.conf) "
		 "or 'useradd --system --no-create-home --shell /usr/sbin/nologin "
		 "%s', or name another user with qemu_user in yardd's config",
		 p->qemu_user, p->qemu_user);
	return -ENOENT;
}
