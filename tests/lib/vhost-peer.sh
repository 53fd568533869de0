# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# What the tests with vhost-peer (DPDK net_virtio_user "VMs") share: the
# hugepages virtio_user needs to share its memory with the switch, and the
# peer's command line. Source it, then call yard_huge_reserve (and
# yard_huge_release in the EXIT trap).

YARD_HUGE_NR=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
YARD_HUGE_OLD_NR=$(cat "$YARD_HUGE_NR")
YARD_HUGE_MOUNTED=

# yard_huge_reserve: at least 512 free 2 MB pages (more reserved when fewer
# are) and hugetlbfs mounted; exits 77 when not even 256 can be had.
yard_huge_reserve() {
	local free
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	if [ "$free" -lt 512 ]; then
		echo $((YARD_HUGE_OLD_NR + 512 - free)) >"$YARD_HUGE_NR"
	fi
	if ! grep -q ' hugetlbfs ' /proc/mounts; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs none /dev/hugepages
		YARD_HUGE_MOUNTED=1
	fi
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	[ "$free" -ge 256 ] || { echo "SKIP: only $free hugepages could be reserved"; exit 77; }
}

# yard_huge_release: the page count as it was, hugetlbfs unmounted if we
# mounted it. For the EXIT trap.
yard_huge_release() {
	echo "$YARD_HUGE_OLD_NR" >"$YARD_HUGE_NR" 2>/dev/null
	[ -n "$YARD_HUGE_MOUNTED" ] && umount /dev/hugepages
	return 0
}

# yard_peer PREFIX SOCKET MAC LCORE QUEUES ARGS...: vhost-peer ($PEER) on
# lcore LCORE, with EAL prefix PREFIX and a net_virtio_user device of
# QUEUES queue pairs on SOCKET; ARGS are vhost-peer's own (tx ... | rx ...).
yard_peer() {
	local prefix=$1 sock=$2 mac=$3 lcore=$4 queues=$5
	shift 5
	"$PEER" -l "$lcore" -m 256 --single-file-segments --no-pci \
		--file-prefix "$prefix" --log-level 'lib.eal:error' \
		--vdev="net_virtio_user0,path=$sock,mac=$mac,queues=$queues" -- "$@"
}
