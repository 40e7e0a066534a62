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
#include "io/raw_terminal.h"
#include "vm/host_session.h"
#include "vm/initrd.h"
#include "vm/kernel_cache.h"
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

}  // namespace

RunResult Run(const policy::VmPlan& plan, const Stdio& stdio) {
  const double started = MonotonicSeconds();
  auto vmlinux = EnsureVmlinux(plan.kernel_source, plan.kernel_cache);
  if (!vmlinux) return RunResult::Failed(vmlinux.error().WithContext("guest kernel"));
  auto initrd = EnsureInitrd(InitrdEntries(plan.init_binary, plan.modules_dir, plan.modules),
                             plan.cache_dir + "/initrds");
  if (!initrd) return RunResult::Failed(initrd.error().WithContext("initrd"));
  auto run_dir = MakeRunDir();
  if (!run_dir) return RunResult::Failed(run_dir.error());
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

  QemuLaunch launch;
  launch.argv = QemuArgv(plan, paths);
  launch.channel_fd = guest_end.get();
  launch.channel_target = paths.channel_fd;
  launch.log_fd = log_fd.get();
  launch.uid = plan.qemu_uid;
  launch.gid = plan.qemu_gid;
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
