#include "policy/vm_compile.h"

#include "policy/hidden_paths.h"
#include "policy/network_compile.h"
#include "policy/vm_network.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "host/seccomp_program.h"

namespace vsb::policy {
namespace {

constexpr uint64_t kDefaultMemoryMib = 512;
constexpr uint64_t kMinMemoryMib = 128;
constexpr uint64_t kQemuOverheadMib = 384;  // QEMU beside guest RAM (cgroup limit)
constexpr uint64_t kQemuMaxThreads = 256;   // QEMU's tasks under --pids

// Kernel options that shorten a TCG boot by ~0.4 s (vm-boot-notes §4, pitfall
// 7) without weakening the guest's isolation from the host: the guest is a
// single-use VM whose only tenant is the command.
constexpr const char* kBootTrim =
    "cryptomgr.notests init_on_alloc=0 mitigations=off nokaslr rodata=off "
    "tsc=reliable no_timer_check "
    "initcall_blacklist=init_kprobe_trace,load_system_certificate_list,cubictcp_register,"
    "bpf_rstat_kfunc_init,init_blk_tracer,crypto_kdf108_init,proc_kcore_init,"
    "init_trace_printk_function_export,snapshot_device_init,resctrl_late_init";

// Paths the guest replaces with its own fresh filesystems: a host cwd there
// is not what the command would see.
bool GuestPrivatePath(const std::string& p) {
  for (const char* pre : {"/tmp", "/run", "/dev", "/proc", "/sys"}) {
    std::string s(pre);
    if (p == s || p.rfind(s + "/", 0) == 0) return true;
  }
  return false;
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

std::string KernelCachePath(const std::string& cache_dir, const host::FileStamp& k) {
  char key[32];
  snprintf(key, sizeof key, "%016llx",
           static_cast<unsigned long long>(
               Fnv1a(k.path + '\0' + std::to_string(k.size) + '\0' + std::to_string(k.mtime_ns))));
  return cache_dir + "/kernels/vmlinux-" + key;
}

Result<VmPlan> CompileVm(const SandboxConfig& config) {
  VSB_ASSIGN_OR_RETURN(host::KernelFacts facts,
                       host::GatherKernelFacts({config.kernver, config.kernpath, config.kmodpath}));
  VSB_ASSIGN_OR_RETURN(VmPlan plan, CompileVm(config, facts));
  // The same seccomp program as the container engine, loaded by init in the
  // guest before exec. The profiles sit beside virt-sandbox-init (build tree
  // and libexec alike).
  const std::string& init = facts.init_binary;
  VSB_ASSIGN_OR_RETURN(plan.spec.seccomp_bpf,
                       host::LoadSeccompProgram(config.seccomp, config.privileged,
                                                init.substr(0, init.rfind('/'))));
  return plan;
}

Result<VmPlan> CompileVm(const SandboxConfig& c, const host::KernelFacts& f) {
  if (c.command.empty()) return FailInvalid("no command given");
  if (f.qemu.empty())
    return Fail(Error(ErrorCode::kNotFound, "qemu-system-x86_64 not found (install qemu-system-x86)"));
  if (f.init_binary.empty())
    return Fail(Error(ErrorCode::kNotFound, "virt-sandbox-init not found next to the program"));
  if (!c.switch_to.empty())
    return Fail(Error(ErrorCode::kUnsupported, "-S is not supported by the VM engine yet"));
  if (!c.pass_fds.empty())
    return Fail(Error(ErrorCode::kUnsupported, "--pass-fd cannot cross into a VM"));

  VmPlan p;
  p.qemu = f.qemu;
  p.firmware = f.qboot;
  std::string why_not;
  if (c.accel == "kvm") {
    p.accel = "kvm";
  } else if (c.accel == "tcg") {
    p.accel = "tcg";
  } else if (c.accel.empty()) {
    p.accel = host::KvmCanRunKernel(f, &why_not) ? "kvm" : "tcg";
    if (p.accel == "tcg") p.accel_notice = "using TCG (software emulation): " + why_not;
  } else {
    return FailInvalid("--accel " + c.accel + ": expected kvm or tcg");
  }
  // QEMU aborts with plain `-cpu host` on some KVMs (MSR 0x10a, pitfall 2).
  p.cpu = p.accel == "kvm" ? "host,arch-capabilities=off" : "qemu64";
  p.memory_mib = c.memory_bytes ? c.memory_bytes >> 20 : kDefaultMemoryMib;
  if (p.memory_mib < kMinMemoryMib)
    return FailInvalid("--memory: a VM needs at least " + std::to_string(kMinMemoryMib) + " MiB");
  p.vcpus = c.cpus > 0 ? static_cast<int>(std::ceil(c.cpus)) : 1;
  p.tsc_khz = p.accel == "tcg" ? f.tsc_khz : 0;

  p.kernel_source = f.kernel.path;
  p.cache_dir = f.cache_dir;
  p.kernel_cache = KernelCachePath(f.cache_dir, f.kernel);
  std::string cmd = "console=ttyS0 panic=-1 reboot=t ";
  cmd += c.debug ? "loglevel=7 printk.devkmsg=on " : "quiet loglevel=0 ";
  cmd += kBootTrim;
  if (p.accel == "tcg" && p.tsc_khz) cmd += " tsc_early_khz=" + std::to_string(p.tsc_khz);
  p.kernel_cmdline = cmd;

  std::vector<std::string> want = {"virtio_mmio", "virtio_console", "9pnet_virtio", "9p"};
  bool disks = false;
  for (const auto& m : c.mounts) disks |= m.kind == MountKind::kHostImage;
  if (disks) want.insert(want.end(), {"virtio_blk", "crc32c_generic", "ext4"});
  std::vector<std::string> missing;
  p.init_binary = f.init_binary;
  p.modules_dir = f.modules_dir;
  p.modules = host::ResolveModules(f.modules_dep, want, &missing);
  // A name missing from modules.dep may be built in; init reports a mount
  // failure if it is not.

  p.shares.push_back({"vsbroot", c.root.empty() ? "/" : c.root, true});
  p.setup.root_tag = "vsbroot";
  int n9p = 0, ndisk = 0;
  for (const auto& m : c.mounts) {
    if (m.target.empty() || m.target[0] != '/')
      return FailInvalid("mount target " + m.target + ": must be an absolute path");
    proto::GuestMount g;
    g.target = m.target;
    switch (m.kind) {
      case MountKind::kHostBind: {
        std::string tag = "vsb" + std::to_string(++n9p);
        p.shares.push_back({tag, m.source, !m.writable, m.target, {}});
        g.kind = proto::GuestMount::k9p;
        g.source = tag;
        g.readonly = !m.writable;
        break;
      }
      case MountKind::kRam:
        g.kind = proto::GuestMount::kTmpfs;
        g.size_bytes = m.size_bytes;
        break;
      case MountKind::kHostImage: {
        std::string id = "disk" + std::to_string(ndisk++);
        std::string fmt = m.format.empty() ? "raw" : m.format;
        if (fmt != "raw" && fmt != "qcow2")
          return FailInvalid("host-image " + m.source + ": format must be raw or qcow2");
        p.disks.push_back({id, m.source, fmt, !m.writable});
        g.kind = proto::GuestMount::kBlock;
        g.source = id;
        g.readonly = !m.writable;
        break;
      }
      case MountKind::kGuestBind:
        g.kind = proto::GuestMount::kBind;
        g.source = m.source;
        break;
    }
    p.setup.mounts.push_back(std::move(g));
  }
  // -i files go into the scratch share (host-bind with no source) whose
  // target contains them, as in a container.
  for (const Include& inc : c.includes) {
    VmShare* best = nullptr;
    for (VmShare& sh : p.shares) {
      if (!sh.host_path.empty() || sh.target.empty()) continue;
      const std::string prefix = sh.target == "/" ? "/" : sh.target + "/";
      if (inc.guest_path.rfind(prefix, 0) == 0 && (!best || sh.target.size() > best->target.size())) best = &sh;
    }
    if (!best)
      return FailInvalid("-i " + inc.guest_path + ": no temporary host-bind (-m host-bind:DIR=) contains it");
    best->includes.push_back(inc);
  }
  // The same credential stores the container engine hides, unless exposed
  // or named by a mount.
  for (const std::string& h : ApplyExpose(DefaultHiddenPaths(f.home), c.expose)) {
    bool named = false;
    for (const auto& m : c.mounts) named |= h == m.target || h.rfind(m.target + "/", 0) == 0;
    if (named) continue;
    proto::GuestMount g;
    g.kind = proto::GuestMount::kMask;
    g.target = h;
    p.setup.mounts.push_back(std::move(g));
  }
  p.setup.hostname = !c.hostname.empty() ? c.hostname : !c.name.empty() ? c.name : "sandbox";
  p.setup.debug = c.debug || c.verbose;
  p.setup.debug_shell = c.debug_shell;  // guest progress lines
  p.setup.pids_max = c.pids;             // a cgroup inside the guest bounds the command's tasks

  proto::InitSpec& s = p.spec;
  s.argv = c.command;
  s.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"};
  s.env.push_back("HOME=" + (c.privileged ? std::string("/root") : f.home.empty() ? "/" : f.home));
  if (!f.term.empty()) s.env.push_back("TERM=" + f.term);
  for (const auto& [k, v] : c.env) s.env.push_back(k + "=" + v);
  // The caller's cwd when the guest shows it: not in a guest-private tree
  // unless a mount brings it there (init still falls back to / if missing).
  auto mounted = [&](const std::string& path) {
    for (const auto& m : c.mounts)
      if (path == m.target || path.rfind(m.target + "/", 0) == 0) return true;
    return false;
  };
  const bool hidden_cwd = f.cwd.empty() || (GuestPrivatePath(f.cwd) && !mounted(f.cwd));
  s.cwd = !c.cwd.empty() ? c.cwd : hidden_cwd ? "/" : f.cwd;
  s.cwd_required = !c.cwd.empty();
  if (c.privileged) {
    s.uid = 0;
    s.gid = 0;
    s.keep_caps = true;
  } else {
    s.uid = f.uid;
    s.gid = f.gid;
    s.groups.assign(f.groups.begin(), f.groups.end());
  }
  p.tty = c.tty == TtyMode::kAlways || (c.tty == TtyMode::kAuto && f.stdin_is_tty);
  s.tty = p.tty;

  p.timeout_seconds = c.timeout_seconds;
  p.handshake_timeout_seconds = p.accel == "kvm" ? 20 : 60;
  p.debug = c.debug;
  p.verbose = c.verbose;
  p.qemu_uid = f.uid;
  p.qemu_gid = f.gid;
  // The cgroup around QEMU: guest RAM plus QEMU's own overhead (TCG code
  // cache, 9p buffers), the --cpus quota, and a bound on QEMU's threads.
  p.cgroup_name = c.name;
  if (c.memory_bytes) p.cgroup_memory_bytes = (p.memory_mib + kQemuOverheadMib) << 20;
  p.cgroup_cpus = c.cpus;
  if (c.pids) p.cgroup_pids = kQemuMaxThreads;

  // Unnamed VMs have no unique name yet, so their host-side interface names
  // repeat across VMs: the engine must not rely on them being unique.
  NetworkContext net;
  net.engine = EngineKind::kVm;
  net.sandbox_name = !c.name.empty() ? c.name : p.setup.hostname;
  net.hostname = p.setup.hostname;
  net.caller_uid = f.uid;
  VSB_ASSIGN_OR_RETURN(p.network, CompileNetwork(c, net));
  if (p.network.enabled()) {
    std::vector<std::string> unresolved;
    for (std::string& m : host::ResolveModules(f.modules_dep, GuestNetworkModules(p.network), &unresolved))
      if (std::find(p.modules.begin(), p.modules.end(), m) == p.modules.end()) p.modules.push_back(std::move(m));
    AddGuestNetwork(p.network, &p.setup);
  }

  // Landlock in the guest too, as in a container: the command writes only
  // where a mount made it writable (the guest kernel ignores it if it lacks
  // Landlock).
  s.landlock = true;
  for (const proto::GuestMount& g : p.setup.mounts)
    if (!g.readonly && (g.kind == proto::GuestMount::k9p || g.kind == proto::GuestMount::kTmpfs ||
                        g.kind == proto::GuestMount::kBlock))
      s.landlock_writable.push_back(g.target);
  // Guest init's own scratch mounts (init/vm_guest_mounts.cc) and the API file systems.
  for (const char* extra : {"/tmp", "/var/tmp", "/run", "/dev", "/proc"}) s.landlock_writable.push_back(extra);
  return p;
}

}  // namespace vsb::policy
