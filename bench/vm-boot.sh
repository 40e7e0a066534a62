#!/usr/bin/env bash
# vm-boot.sh: end-to-end time of `virt-sandbox -c qemu:///session -- /bin/false`
# next to the floor: a hand-written minimal QEMU boot of the same kernel and
# initrd whose init (vsb.floor=PATH) only loads the modules, mounts the 9p
# root, runs the command and exits through isa-debug-exit — no channel, no
# handshake, no relay. Then a per-stage breakdown from the engine's -v marks
# (host clock).
#
#   bench/vm-boot.sh [BUILD_DIR] [RUNS]      (default: ./build, 10)
set -euo pipefail

build=${1:-build}
runs=${2:-10}
vsb="$(realpath "$build")/virt-sandbox"
[ -x "$vsb" ] || { echo "vm-boot: $vsb not built" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "vm-boot: needs hyperfine" >&2; exit 1; }
cd /

# Warm-up: extracts the vmlinux and builds the initrd once (cached afterwards);
# -v names the files this build boots.
ready=$("$vsb" -v -c qemu:///session -- /bin/false 2>&1 >/dev/null | grep 'kernel and initrd ready' || true)
initrd=${ready##* }
[ -f "$initrd" ] || { echo "vm-boot: engine run failed: $ready" >&2; exit 1; }
plan=$("$vsb" --dump-plan -c qemu:///session -- /bin/false)
field() { python3 -c "import json,sys; p=json.load(sys.stdin); print($1)" <<<"$plan"; }
qemu=$(field 'p["qemu"]')
accel=$(field 'p["accel"]')
cpu=$(field 'p["cpu"]')
vmlinux=$(field 'p["kernel"]["vmlinux"]')
cmdline=$(field 'p["kernel"]["cmdline"]')
if [ "$accel" = kvm ]; then timers="pit=off,pic=off"; else timers="pit=on,pic=on"; fi

floor=("$qemu" -M "microvm,x-option-roms=off,isa-serial=off,rtc=on,$timers"
  -bios /usr/share/qemu/qboot.rom -nodefaults -no-user-config -display none -no-reboot
  -accel "$accel" -cpu "$cpu" -smp 1 -m 512 -kernel "$vmlinux" -initrd "$initrd"
  -append "${cmdline/console=ttyS0 /} vsb.floor=/bin/false"
  -fsdev local,id=vsbroot,path=/,security_model=none,readonly=on,multidevs=remap
  -device virtio-9p-device,fsdev=vsbroot,mount_tag=vsbroot
  -device isa-debug-exit,iobase=0xf4,iosize=0x01)
# /bin/false exits 1 → init writes 2 → QEMU exits (2<<1)|1 = 5.
set +e
"${floor[@]}" </dev/null
rc=$?
set -e
[ "$rc" -eq 5 ] || { echo "vm-boot: floor boot failed (qemu rc $rc, want 5)" >&2; exit 1; }

printf -v floor_cmd '%q ' "${floor[@]}"
printf -v engine_cmd '%q ' "$vsb" -c qemu:///session -- /bin/false
echo "accel: $accel   kernel: $vmlinux   initrd: $initrd ($(stat -c %s "$initrd") bytes)"
hyperfine -N -i --warmup 1 --runs "$runs" --export-json /tmp/vm-boot-hyperfine.json \
  -n floor "$floor_cmd" -n engine "$engine_cmd"
python3 - <<'PY'
import json
r = {x["command"]: x for x in json.load(open("/tmp/vm-boot-hyperfine.json"))["results"]}
f, e = r["floor"]["median"], r["engine"]["median"]
print(f"median: floor {f*1000:.0f} ms, engine {e*1000:.0f} ms, ratio {e/f:.2f}x")
PY

echo "breakdown (engine -v marks, host clock, medians of 5 runs):"
for i in 1 2 3 4 5; do "$vsb" -v -c qemu:///session -- /bin/false 2>&1 >/dev/null || true; done |
python3 -c '
import re, sys, statistics
runs, cur = [], {}
for line in sys.stdin:
    m = re.match(r"virt-sandbox: \+([0-9.]+) ms (.*)", line)
    if not m: continue
    t, what = float(m.group(1)), m.group(2)
    key = ("ready" if "kernel and initrd" in what else "qemu" if what == "qemu started" else
           "boot" if "READY" in what else "root" if "root mounted" in what else
           "cmd" if "command ran" in what else "exit" if what == "guest EXIT" else
           "gone" if "qemu exited" in what else None)
    if key: cur[key] = t
    if key == "gone": runs.append(cur); cur = {}
stages = [("kernel+initrd cache lookup", None, "ready"), ("qemu start", "ready", "qemu"),
          ("kernel boot + modules + port (to READY)", "qemu", "boot"),
          ("9p root + mounts + switch root", "boot", "root"), ("command + drain", "root", "cmd"),
          ("EXIT report", "cmd", "exit"), ("power-off / qemu gone", "exit", "gone"),
          ("total", None, "gone")]
for name, a, b in stages:
    v = [r[b] - (r[a] if a else 0) for r in runs if b in r and (a is None or a in r)]
    if v: print(f"  {name:42s} {statistics.median(v):8.1f} ms")
'
