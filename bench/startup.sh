#!/usr/bin/env bash
# Start-up and I/O cost of virt-sandbox's container engine, side by side with
# peers in one run: medians from hyperfine, ratios to bwrap, peak RSS and the
# throughput of 1 GiB piped through the sandbox against a plain pipe.
#   usage: bench/startup.sh [BUILD_DIR] (default: build); RUNS=N to change,
#   RT=0 to run without real-time priority
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
vsb=$(realpath "$build/virt-sandbox")
runs=${RUNS:-100}
out=$(mktemp -d /tmp/vsb-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
for tool in hyperfine bwrap unshare python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (scripts/bootstrap installs it)" >&2; exit 1; }
done

bwrap_args="--ro-bind / / --tmpfs /tmp --proc /proc --dev /dev --unshare-pid --unshare-net --unshare-ipc --unshare-uts --die-with-parent"
unshare_args="--pid --fork --mount-proc --net --ipc --uts --mount"
declare -A prefix=(
  [none]=""
  [unshare]="unshare $unshare_args"
  [bwrap]="bwrap $bwrap_args"
  [virt-sandbox]="$vsb --"
)
order=(none unshare bwrap virt-sandbox)

# Real-time priority (root only) keeps other load on this shared machine from
# landing inside the measured runs; every tool gets the same treatment.
rt=()
if [ "$(id -u)" = 0 ] && command -v chrt >/dev/null && [ "${RT:-1}" = 1 ]; then rt=(chrt -f 50); fi

for payload in true echo; do
  cmds=()
  for t in "${order[@]}"; do
    if [ "$payload" = true ]; then cmds+=("${prefix[$t]} /bin/true")
    else cmds+=("${prefix[$t]} /bin/sh -c 'echo hi'"); fi
  done
  "${rt[@]}" hyperfine -N --warmup 5 --runs "$runs" --style none --export-json "$out/$payload.json" "${cmds[@]}" >/dev/null
done

python3 - "$out" "${order[@]}" <<'PY'
import json, statistics, sys
out, names = sys.argv[1], sys.argv[2:]
print(f"## Start-up (median ms of hyperfine -N, {len(json.load(open(out+'/true.json'))['results'][0]['times'])} runs)")
print("| tool | /bin/true | ratio to bwrap | sh -c 'echo hi' | ratio to bwrap |")
print("|---|---|---|---|---|")
med = {}
for p in ("true", "echo"):
    res = json.load(open(f"{out}/{p}.json"))["results"]
    for n, r in zip(names, res):
        med[(n, p)] = statistics.median(r["times"]) * 1000
for n in names:
    t, e = med[(n, "true")], med[(n, "echo")]
    print(f"| {n} | {t:.2f} | {t/med[('bwrap','true')]:.2f} | {e:.2f} | {e/med[('bwrap','echo')]:.2f} |")
PY

echo
echo "## Peak RSS (KiB, median of 7 runs of /usr/bin/time -f %M, /bin/true)"
for t in "${order[@]}"; do
  vals=()
  for _ in 1 2 3 4 5 6 7; do
    vals+=("$( { /usr/bin/time -f %M ${prefix[$t]} /bin/true; } 2>&1 >/dev/null | tail -1)")
  done
  printf '%s: %s\n' "$t" "$(printf '%s\n' "${vals[@]}" | sort -n | sed -n 4p)"
done

echo
echo "## 1 GiB through a pipe (MiB/s, median of 3)"
pipe_rate() {  # $@: command that copies stdin to stdout
  python3 - "$@" <<'PY'
import subprocess, sys, time, statistics
cmd = sys.argv[1:]
rates = []
for _ in range(3):
    t = time.monotonic()
    p = subprocess.run(f"head -c 1073741824 /dev/zero | {' '.join(cmd)} | wc -c", shell=True,
                       capture_output=True, text=True, check=True)
    dt = time.monotonic() - t
    assert p.stdout.strip() == "1073741824", p.stdout
    rates.append(1024 / dt)
print(f"{statistics.median(rates):.0f}")
PY
}
plain=$(pipe_rate cat)
ours=$(pipe_rate "$vsb" -- cat)
echo "plain pipe (cat): $plain"
echo "virt-sandbox -- cat: $ours"
python3 -c "print(f'ratio: {$ours/$plain:.2f}')"
