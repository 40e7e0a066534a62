#!/usr/bin/env bash
# Network cost of virt-sandbox's container engine (-N), side by side in one
# run: TCP throughput (MiB/s sending MIB MiB, median of RUNS) and connect
# latency (median microseconds of CONNECTS connect + first byte + close).
#
#   loopback   client and server in one namespace over 127.0.0.1 (baseline)
#   veth       no sandbox: client namespace -> veth -> server namespace
#   user       virt-sandbox -N user (pasta) in the client namespace -> server
#   user-mtu1500   the same with mtu=1500 (pasta's default MTU is 65520)
#   bridge     virt-sandbox -N bridge=br0,address=... -> bridge -> server
#   vm-user    virt-sandbox -c qemu:///session -N user (passt) -> server
#              (VM=0 leaves it out)
#
# Everything runs in private network namespaces made here (needs root, ip,
# pasta, a C compiler); the host's own network is not touched.
#   usage: bench/network.sh [BUILD_DIR] (default: build); MIB, RUNS, CONNECTS
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
vsb="$build/virt-sandbox"
mib=${MIB:-1024}
runs=${RUNS:-3}
connects=${CONNECTS:-500}
for tool in ip pasta cc; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (scripts/bootstrap installs it)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces, bridge)" >&2; exit 1; }

# The probe lives in the build tree: the sandbox shows the host's root, but
# not the launcher's /tmp.
probe="$build/bench-net/net_probe"
mkdir -p "$(dirname "$probe")"
cc -O2 -Wall -o "$probe" bench/net_probe.c

tag="vsbbench$$"
cli=${tag}c srv=${tag}s
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$cli" 2>/dev/null || true
  ip netns del "$srv" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$cli"
ip netns add "$srv"
ip -n "$cli" link set lo up
ip -n "$srv" link set lo up
ip link add "${tag}a" netns "$cli" type veth peer "${tag}b" netns "$srv"
ip -n "$cli" link set "${tag}a" name veth0 up
ip -n "$srv" link set "${tag}b" name veth0 up
ip -n "$cli" addr add 10.90.0.2/24 dev veth0
ip -n "$srv" addr add 10.90.0.1/24 dev veth0
ip -n "$cli" route add default via 10.90.0.1
ip -n "$cli" link add br0 type bridge
ip -n "$cli" addr add 10.91.0.1/24 dev br0
ip -n "$cli" link set br0 up

ip netns exec "$srv" "$probe" serve 0.0.0.0 5201 & pids+=($!)
ip netns exec "$cli" "$probe" serve 10.91.0.1 5202 & pids+=($!)
sleep 0.3

measure() {  # name, command prefix..., -- ip port
  local name=$1; shift
  local ip=$1 port=$2; shift 2
  local tput lat
  tput=$("$@" "$probe" send "$ip" "$port" "$mib" "$runs")
  lat=$("$@" "$probe" connect "$ip" "$port" "$connects")
  echo "$name $tput $lat"
}

results=$(
  measure loopback 127.0.0.1 5201 ip netns exec "$srv"
  measure veth 10.90.0.1 5201 ip netns exec "$cli"
  measure user 10.90.0.1 5201 ip netns exec "$cli" "$vsb" -N user --
  measure user-mtu1500 10.90.0.1 5201 ip netns exec "$cli" "$vsb" -N user,mtu=1500 --
  measure bridge 10.91.0.1 5202 ip netns exec "$cli" "$vsb" -N bridge=br0,address=10.91.0.2/24 --
  if [ "${VM:-1}" = 1 ] && command -v qemu-system-x86_64 >/dev/null; then
    # The VM engine's user mode (passt): each figure includes no boot time,
    # the probe times itself inside the guest (TCG here: the CPU is emulated).
    measure vm-user 10.90.0.1 5201 ip netns exec "$cli" "$vsb" -c qemu:///session -N user --
  fi
)

echo "## Networking through each -N mode ($mib MiB x $runs runs, $connects connects; medians)"
echo "| path | MiB/s | ratio to loopback | connect µs | ratio to loopback |"
echo "|---|---:|---:|---:|---:|"
echo "$results" | awk 'NR==1 {t0=$2; l0=$3}
  {printf "| %s | %d | %.2f | %d | %.2f |\n", $1, $2, $2/t0, $3, $3/l0}'
leftover=$(ip -o link show | awk -F': ' '{print $2}' | grep '^vsb' || true)
[ -z "$leftover" ] || echo "warning: host links left: $leftover" >&2
