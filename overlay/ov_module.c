/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The overlay as a dataplane module: its edges, the topology's `overlay`
 * section, and the overlay.* and vtep.* methods.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ov_priv.h"
#include "rpc.h"
#include "topology.h"

uint16_t ov_encap_edge, ov_flood_edge, ov_inject_edge, ov_underlay_edge;
static uint64_t last_refresh;

static int
edge_get(int edge, uint16_t *out)
{
	if (edge < 0)
		return edge;
	*out = (uint16_t)edge;
	return 0;
}

static int
ov_init(void)
{
	int ret;

	if ((ret = edge_get(sw_l2_input_next_add("vxlan-encap"), &ov_encap_edge)) < 0 ||
	    (ret = edge_get(sw_l2_flood_next_add("vxlan-flood"), &ov_flood_edge)) < 0 ||
	    (ret = edge_get(dp_inject_next_add("vxlan-encap"), &ov_inject_edge)) < 0 ||
	    (ret = edge_get(dp_port_rx_next_add("underlay-input"),
			    &ov_underlay_edge)) < 0)
		return ret;
	/* The flood edge is also the origin tag, which is 8 bits. */
	if (ov_flood_edge > UINT8_MAX)
		return -ENOSPC;
	last_refresh = 0;
	return ov_state_init();
}

/* Learning, neighbors, held frames; once a second, networks' VNIs. */
static void
ov_tick(void)
{
	uint64_t now = dp_clock_now();

	ov_state_tick();
	if (now != last_refresh) {
		ov_state_refresh();
		last_refresh = now;
	}
}

static int
ov_apply(const struct topo *t, char *why, size_t len)
{
	if (t->overlay.present)
		return ov_config_set(&t->overlay, why, len);
	/* Networks (and their VNIs) may have come with this change. */
	return ov_state_refresh();
}

static void
ov_prune(const struct topo *t)
{
	if (!t->overlay.present)
		ov_config_clear();
}

static int
ov_export(struct topo *t)
{
	return ov_config_export(&t->overlay);
}

/* ---- Methods ---- */

/*
 * Validate the overlay exactly as a topology file would: in a document
 * with the networks and ports of now, which it refers to.
 */
static int
overlay_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct topo *have = calloc(1, sizeof(*have)), *t = NULL, one = { 0 };
	struct topo_error terr;
	json_t *doc = NULL;
	char why[512];
	int ret = -ENOMEM;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (!json_is_object(params)) {
		topo_free(have);
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params: an overlay object is expected");
	}
	if (have == NULL || dp_modules_export(have) < 0)
		goto nomem;
	/* Only what the overlay may name. */
	free(have->routers);
	have->routers = NULL;
	have->n_routers = 0;
	free(have->flows);
	have->flows = NULL;
	have->n_flows = 0;
	free(have->overlay.peers);
	memset(&have->overlay, 0, sizeof(have->overlay));
	doc = topo_to_json(have);
	if (doc == NULL || json_object_set(doc, "overlay", params) < 0)
		goto nomem;
	t = topo_parse_json(doc, "params", &terr);
	if (t == NULL) {
		ret = rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
		goto out;
	}
	one.overlay = t->overlay;
	ret = dp_modules_apply(&one, false, why, sizeof(why));
	if (ret < 0)
		rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	goto out;
nomem:
	rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
out:
	json_decref(doc);
	topo_free(t);
	topo_free(have);
	return ret;
}

static int
overlay_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(result);
	if (!ov_configured())
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "no overlay is set");
	ov_config_clear();
	return 0;
}

static int
vtep_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct ov_vtep_stats vs[OV_VTEPS_MAX];
	unsigned int n = ov_vtep_stats_get(vs, RTE_DIM(vs));
	json_t *list = json_array();

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (unsigned int i = 0; i < n && i < RTE_DIM(vs); i++) {
		char ip[16];
		uint32_t a = rte_be_to_cpu_32(vs[i].ip);
		json_t *vnis = json_array();

		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
			 (a >> 8) & 0xff, a & 0xff);
		for (unsigned int v = 0; v < vs[i].n_vnis; v++)
			json_array_append_new(vnis, json_integer(vs[i].vnis[v]));
		json_array_append_new(list, json_pack(
			"{s:s, s:b, s:I, s:I, s:I, s:I, s:o, s:i}", "vtep", ip,
			"resolved", vs[i].resolved,
			"rx_packets", (json_int_t)vs[i].rx_pkts,
			"rx_bytes", (json_int_t)vs[i].rx_bytes,
			"tx_packets", (json_int_t)vs[i].tx_pkts,
			"tx_bytes", (json_int_t)vs[i].tx_bytes,
			"vnis", vnis, "inner_mtu", (int)vs[i].inner_mtu));
	}
	*result = list;
	return 0;
}

/* What the VTEP lost that no drop counter shows: held frames, events. */
static int
overlay_stats(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	uint64_t lost = 0;

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (unsigned int w = 0; w < DP_WORKERS_MAX; w++)
		lost += ov_wstats[w].events_lost;
	*result = json_pack("{s:I, s:I}",
			    "hold_full", (json_int_t)ov_hold_full(),
			    "events_lost", (json_int_t)lost);
	return 0;
}

static int
ov_api_register(struct rpc_server *srv)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_OVERLAY);
	int ret;

	/* yardd programs the overlay with the methods its row names. */
	ret = rpc_server_method_add(srv, k->dp_set, overlay_set, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, k->dp_del, overlay_del, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, "vtep.list", vtep_list, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, "overlay.stats", overlay_stats,
					    NULL);
	return ret;
}

static const char *const ov_drop_names[] = {
#define _(sym, str) str,
	foreach_ov_drop
#undef _
};

static const char *const ov_deps[] = { "switch", NULL };

struct dp_module ov_module = {
	.name = "overlay",
	.deps = ov_deps,
	.init = ov_init,
	.fini = ov_state_fini,
	.tick = ov_tick,
	.api_register = ov_api_register,
	.apply = ov_apply,
	.prune = ov_prune,
	.export = ov_export,
	.port_del = ov_port_del,
	.drop_names = ov_drop_names,
	.n_drops = RTE_DIM(ov_drop_names),
};
DP_MODULE_REGISTER(ov_module);
