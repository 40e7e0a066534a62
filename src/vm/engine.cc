#include "vm/engine.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "base/scoped_cleanup.h"
#include "base/unique_fd.h"
#include "container/cgroup.h"
#include "container/janitor.h"
#include "container/temp_dir.h"
#include "io/raw_terminal.h"
#include "vm/host_session.h"
#include "vm/initrd.h"
#include "vm/kernel_cache.h"
#include "vm/passt.h"
#include "vm/tap.h"
#include "vm/qemu_argv.h"
#include "vm/qemu_process.h"

namespace vsb::vm {
namespace {

std::string RunDirBase() {
  if (geteuid() == 0 && access("/run", W_OK) == 0) return "/run";
  if (const char* x = getenv("XDG_RUNTIME_DIR"); x && *x == '/') return x;
  return "/tmp";
}

// A launcher killed with SIGKILL takes QEMU with it (PDEATHSIG) but cannot
// remove its run dir: the next run removes dirs of ours whose launcher pid
// (the "launcher" file) is gone.
void RemoveStaleRunDirs(const std::string& base) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(base, ec)) {
    std::string name = e.path().filename();
    if (name.rfind("virt-sandbox-vm-", 0) != 0) continue;
    struct stat st;
    if (lstat(e.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) continue;
    FILE* f = fopen((e.path() / "launcher").c_str(), "re");
    if (!f) continue;
    long pid = 0;
    bool read_ok = fscanf(f, "%ld", &pid) == 1;
    fclose(f);
    if (read_ok && pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      std::filesystem::remove_all(e.path(), ec);
  }
}

// Private run dir: /run for root, else $XDG_RUNTIME_DIR or /tmp.
Result<std::string> MakeRunDir() {
  std::string base = RunDirBase();
  RemoveStaleRunDirs(base);
  std::string tmpl = base + "/virt-sandbox-vm-XXXXXX";
  if (!mkdtemp(tmpl.data())) return FailErrno(errno, "mkdtemp " + tmpl);
  if (FILE* f = fopen((tmpl + "/launcher").c_str(), "we")) {
    fprintf(f, "%d\n", getpid());
    fclose(f);
  }
  return tmpl;
}

void Log(const policy::VmPlan& plan, const Stdio& stdio, const std::string& line) {
  if (!plan.verbose && !plan.debug) return;
  std::string l = "virt-sandbox: " + line + "\n";
  if (write(stdio.err, l.data(), l.size()) < 0) {
  }
}

// QEMU writes only its run dir, the writable shares and the writable images.
QemuConfinement Confinement(const policy::VmPlan& plan, const std::string& run_dir,
                            const QemuPaths& paths) {
  QemuConfinement c;
  c.map_all_ids = geteuid() == 0;
  c.caller_uid = geteuid();
  c.caller_gid = getegid();
  c.writable.push_back(run_dir);
  auto beneath_run_dir = [&](const std::string& p) { return p.rfind(run_dir + "/", 0) == 0; };
  for (size_t i = 0; i < plan.shares.size() && i < paths.share_paths.size(); ++i)
    if (!plan.shares[i].readonly && !beneath_run_dir(paths.share_paths[i]))
      c.writable.push_back(paths.share_paths[i]);
  for (const auto& d : plan.disks)
    if (!d.readonly) c.writable.push_back(d.host_path);
  const std::string root = plan.shares.empty() || plan.shares[0].host_path == "/" ? "" : plan.shares[0].host_path;
  for (const auto& m : plan.setup.mounts)
    if (m.kind == proto::GuestMount::kMask) c.masked.push_back(root + m.target);
  c.empty_file = run_dir + "/empty";
  return c;
}

}  // namespace

RunResult Run(const policy::VmPlan& plan, const Stdio& stdio) {
  const double started = MonotonicSeconds();
  auto vmlinux = EnsureVmlinux(plan.kernel_source, plan.kernel_cache);
  if (!vmlinux) return RunResult::Failed(vmlinux.error().WithContext("guest kernel"));
  auto initrd = EnsureInitrd(InitrdEntries(plan.init_binary, plan.modules_dir, plan.modules),
                             plan.cache_dir + "/initrds");
  if (!initrd) return RunResult::Failed(initrd.error().WithContext("initrd"));
  // Everything this run creates on the host (run dir, cgroups) is named to a
  // janitor first, so a launcher killed with SIGKILL leaves nothing behind.
  auto janitor = container::Janitor::Start();
  if (!janitor) return RunResult::Failed(janitor.error());
  auto run_dir = MakeRunDir();
  if (!run_dir) return RunResult::Failed(run_dir.error());
  janitor->TrackDirectory(*run_dir);
  ScopedCleanup remove_dir([&] {
    std::error_code ec;
    std::filesystem::remove_all(*run_dir, ec);
  });
  if (!plan.accel_notice.empty()) Log(plan, stdio, plan.accel_notice);
  if (plan.debug || plan.verbose) {
    char t[64];
    snprintf(t, sizeof t, "+%.1f ms kernel and initrd ready: ", (MonotonicSeconds() - started) * 1000);
    Log(plan, stdio, t + *vmlinux + " " + *initrd);
  }

  QemuPaths paths;
  paths.vmlinux = *vmlinux;
  paths.initrd = *initrd;
  paths.console_log = *run_dir + "/console.log";
  const std::string qemu_log = *run_dir + "/qemu.log";
  if (plan.setup.debug_shell) {
    paths.shell_socket = *run_dir + "/shell.sock";
    std::string l = "virt-sandbox: debug shell (root in the guest): socat -,raw,echo=0 UNIX-CONNECT:" +
                    paths.shell_socket + "\n";
    if (write(stdio.err, l.data(), l.size()) < 0) {
    }
  }
  for (size_t i = 0; i < plan.shares.size(); ++i) {
    std::string p = plan.shares[i].host_path;
    if (p.empty()) {  // host-bind without a source: a scratch dir for this run
      p = *run_dir + "/" + plan.shares[i].tag;
      if (mkdir(p.c_str(), 0700) != 0) return RunResult::Failed(Error::FromErrno(errno, "mkdir " + p));
      if (auto copied = container::CopyIncludes(p, plan.shares[i].target, plan.shares[i].includes,
                                                plan.qemu_uid, plan.qemu_gid);
          !copied)
        return RunResult::Failed(copied.error());
    }
    paths.share_paths.push_back(p);
  }
  // The run dir belongs to QEMU's identity so it can write its logs there.
  if (geteuid() == 0 && chown(run_dir->c_str(), plan.qemu_uid, plan.qemu_gid) != 0)
    return RunResult::Failed(Error::FromErrno(errno, "chown " + *run_dir));

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return RunResult::Failed(Error::FromErrno(errno, "socketpair"));
  UniqueFd host_end(sv[0]), guest_end(sv[1]);
  fcntl(host_end.get(), F_SETFL, O_NONBLOCK);
  UniqueFd log_fd(open(qemu_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!log_fd) return RunResult::Failed(Error::FromErrno(errno, "create " + qemu_log));
  if (geteuid() == 0 && fchown(log_fd.get(), plan.qemu_uid, plan.qemu_gid) != 0)
    return RunResult::Failed(Error::FromErrno(errno, "chown " + qemu_log));

  // -N: user mode gets one passt per interface on a connected socketpair;
  // bridge mode a tap plugged into the bridge. QEMU gets the fds (after the
  // channel's).
  std::vector<Passt> passts;
  std::vector<UniqueFd> qemu_net_ends;
  for (size_t i = 0; i < plan.network.interfaces.size(); ++i) {
    const policy::PlannedInterface& iface = plan.network.interfaces[i];
    if (iface.mode == policy::PlannedInterface::Mode::kBridge) {
      auto tap = CreateBridgedTap(iface.host_name, iface.bridge);
      if (!tap) return RunResult::Failed(tap.error().WithContext("-N " + iface.name));
      qemu_net_ends.push_back(std::move(*tap));
    } else {
      int pair[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return RunResult::Failed(Error::FromErrno(errno, "socketpair for -N"));
      UniqueFd passt_end(pair[0]);
      qemu_net_ends.emplace_back(pair[1]);
      auto passt = Passt::Start(iface, passt_end.get(), log_fd.get());
      if (!passt) return RunResult::Failed(passt.error().WithContext("-N " + iface.name));
      passts.push_back(std::move(*passt));
    }
    paths.net_fds.push_back(paths.channel_fd + 1 + static_cast<int>(i));
  }

  QemuLaunch launch;
  launch.argv = QemuArgv(plan, paths);
  launch.channel_fd = guest_end.get();
  launch.channel_target = paths.channel_fd;
  for (const UniqueFd& fd : qemu_net_ends) launch.net_fds.push_back(fd.get());
  launch.log_fd = log_fd.get();
  launch.uid = plan.qemu_uid;
  launch.gid = plan.qemu_gid;
  launch.confine = Confinement(plan, *run_dir, paths);
  if (UniqueFd empty(open(launch.confine.empty_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
      !empty)
    return RunResult::Failed(Error::FromErrno(errno, "create " + launch.confine.empty_file));
  // --memory/--cpus/--pids: QEMU runs in the container engine's per-sandbox
  // cgroup; the janitor removes it should the launcher be killed.
  std::optional<container::SandboxCgroup> cgroup;
  container::CgroupLimits limits{plan.cgroup_memory_bytes, plan.cgroup_cpus, plan.cgroup_pids};
  if (limits.any()) {
    std::string name = plan.cgroup_name.empty() ? "vm-" + std::to_string(getpid()) : plan.cgroup_name;
    auto cg = container::SandboxCgroup::Create(name, limits);
    if (!cg) return RunResult::Failed(cg.error().WithContext("qemu cgroup"));
    cgroup.emplace(std::move(*cg));
    for (const auto& dir : cgroup->Dirs()) janitor->TrackCgroup(dir);
    launch.cgroup = &*cgroup;
  }
  ScopedCleanup end_cgroup([&] {
    if (cgroup) cgroup->KillAll();
    cgroup.reset();
  });
  if (plan.debug) {
    std::string cmd;
    for (const auto& a : launch.argv) cmd += (cmd.empty() ? "" : " ") + a;
    Log(plan, stdio, "qemu: " + cmd);
  }
  auto qemu = StartQemu(launch);
  if (!qemu) return RunResult::Failed(qemu.error());
  guest_end.reset();
  ScopedCleanup stop([&] { StopQemu(&*qemu, 0); });

  // Interactive: the host terminal goes raw for the session (restored on
  // every way out by RawTerminal); the guest allocates the pty.
  std::optional<io::RawTerminal> raw;
  if (plan.tty && isatty(stdio.in)) {
    auto r = io::RawTerminal::Enter(stdio.in);
    if (r) raw.emplace(std::move(*r));
  }
  SessionEnv env;
  env.channel_fd = host_end.get();
  env.qemu = &*qemu;
  env.console_log = paths.console_log;
  env.qemu_log = qemu_log;
  env.started_monotonic = started;
  RunResult result = RunSession(plan, stdio, env);
  // The host cgroup's OOM killer ended QEMU (the guest's own OOM killer
  // reports as the command's death inside): the same report as a container.
  if (result.kind == RunResult::Kind::kSetupFailed && cgroup && cgroup->MemoryLimitHit()) {
    result = RunResult{};
    result.kind = RunResult::Kind::kSignaled;
    result.signal = SIGKILL;
    result.error = Error(ErrorCode::kInternal,
                         "the VM (QEMU) exceeded its memory limit (--memory plus QEMU's overhead) and was killed");
  }
  raw.reset();
  host_end.reset();
  // The guest synced before EXIT; give it a moment to power off cleanly.
  const bool reported =
      result.kind != RunResult::Kind::kTimedOut && result.kind != RunResult::Kind::kSetupFailed;
  StopQemu(&*qemu, reported ? 2000 : 0);
  if (plan.debug || plan.verbose) {
    char t[64];
    snprintf(t, sizeof t, "+%.1f ms qemu exited", (MonotonicSeconds() - started) * 1000);
    Log(plan, stdio, t);
  }
  if (plan.debug) {
    std::string tail = FileTail(paths.console_log, 200);
    if (!tail.empty()) Log(plan, stdio, "guest console:\n" + tail);
  }
  return result;
}

}  // namespace vsb::vm
