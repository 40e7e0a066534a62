#include "container/engine.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "base/syscalls.h"
#include "container/child/child_plan.h"
#include "container/host_image.h"
#include "container/id_maps.h"
#include "container/launch_state.h"
#include "container/net_setup.h"
#include "container/qcow_export.h"
#include "container/render.h"
#include "container/wait.h"

namespace vsb::container {
namespace {

using policy::PlannedMount;

Status Pipe(UniqueFd& rd, UniqueFd& wr) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return FailErrno(errno, "create pipe");
  rd.reset(fds[0]);
  wr.reset(fds[1]);
  return {};
}

Result<UniqueFd> SpecMemfd(const policy::ContainerPlan& plan, const EngineInputs& inputs) {
  proto::InitSpec spec;
  spec.argv = plan.argv;
  spec.env = plan.env;
  spec.cwd = plan.cwd;
  spec.cwd_required = plan.cwd_required;
  spec.uid = plan.uid;
  spec.gid = plan.gid;
  spec.groups = plan.groups;
  spec.set_groups = plan.set_groups;
  spec.keep_caps = plan.keep_caps;
  spec.tty = plan.tty;
  spec.seccomp_bpf = inputs.seccomp_bpf;
  spec.landlock = plan.landlock;
  spec.landlock_writable = plan.landlock_writable;
  spec.pass_fds.assign(plan.pass_fds.begin(), plan.pass_fds.end());
  spec.rows = plan.rows;
  spec.cols = plan.cols;
  std::string bytes = spec.Encode();
  UniqueFd fd(memfd_create("virt-sandbox-spec", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return FailErrno(errno, "create spec memfd");
  if (write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
    return FailErrno(errno, "write spec memfd");
  fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

bool IsQcow2(const std::string& path) {
  char magic[4] = {};
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  return fd && pread(fd.get(), magic, 4, 0) == 4 && memcmp(magic, "QFI\xfb", 4) == 0;
}

Status PrepareMounts(const policy::ContainerPlan& plan, LaunchState& st, RenderInputs& in) {
  for (const PlannedMount& m : plan.mounts) {
    in.mount_sources.push_back(m.source);
    in.image_fds.push_back(-1);
    if (m.temp_source) {
      VSB_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(plan.name, plan.uid, plan.gid));
      st.janitor->TrackDirectory(dir.path());
      VSB_TRY(dir.CopyIncludes(m.target, m.includes, plan.uid, plan.gid));
      in.mount_sources.back() = dir.path();
      st.temp_dirs.push_back(std::move(dir));
    } else if (m.kind == PlannedMount::Kind::kHostBind) {
      if (access(m.source.c_str(), F_OK) != 0)
        return FailErrno(errno, "-m host-bind:" + m.target + "=" + m.source);
    } else if (m.kind == PlannedMount::Kind::kHostImage) {
      std::string image = m.source;
      if (m.format == "qcow2" || (m.format.empty() && IsQcow2(m.source))) {
        VSB_ASSIGN_OR_RETURN(QcowExport exp, QcowExport::Start(m.source, m.writable, plan.name, *st.janitor));
        image = exp.raw_path();
        st.qcow_exports.push_back(std::move(exp));
      }
      VSB_ASSIGN_OR_RETURN(UniqueFd mnt, MountImage(image, m.writable));
      in.image_fds.back() = mnt.get();
      st.image_mounts.push_back(std::move(mnt));
    }
  }
  return {};
}

Status Spawn(const policy::ContainerPlan& plan, LaunchState& st, child::ChildPlan& cp,
             const Stdio& stdio) {
  cp.sync_fd = st.sync_rd.get();
  cp.report_fd = st.report_wr.get();
  cp.spec_fd = st.spec_memfd.get();
  cp.control_fd = st.control_child.get();
  cp.init_fd = st.init_exe.get();
  cp.stdio[0] = stdio.in;
  cp.stdio[1] = stdio.out;
  cp.stdio[2] = stdio.err;

  clone_args args{};
  int pidfd = -1;
  args.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
               CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (st.cgroup && st.cgroup->cgroup2_dir_fd() >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(st.cgroup->cgroup2_dir_fd());
  }
  long pid = sys::Clone3(&args);
  if (pid < 0) {
    if (errno == EPERM || errno == ENOSPC || errno == EUSERS)
      return FailErrno(errno, "create user namespace (check /proc/sys/user/max_user_namespaces and "
                              "kernel.unprivileged_userns_clone or AppArmor's "
                              "apparmor_restrict_unprivileged_userns)");
    return FailErrno(errno, "clone3 sandbox");
  }
  if (pid == 0) child::ChildMain(cp);
  st.init_pid = static_cast<pid_t>(pid);
  st.pidfd.reset(pidfd);
  st.sync_rd.reset();
  st.report_wr.reset();
  st.control_child.reset();
  VSB_TRY(WriteIdMaps(st.init_pid, {plan.map_all_ids, plan.inside_uid, plan.inside_gid, plan.caller_uid,
                                     plan.caller_gid}));
  if (st.cgroup) VSB_TRY(st.cgroup->AddProcess(st.init_pid));
  VSB_TRY(StartNetwork(plan, st));  // -N: interfaces, filter, resolv.conf while the child waits
  char go = 1;
  if (write(st.sync_wr.get(), &go, 1) != 1) return FailErrno(errno, "start sandbox");
  st.sync_wr.reset();
  return {};
}

// Whether this process has exactly one thread (field 20 of /proc/self/stat).
// A library caller may be multi-threaded; then the child after clone3 must
// stay async-signal-safe and exec init instead of running it in process.
bool SingleThreaded() {
  char buf[512];
  UniqueFd fd(open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
  ssize_t n = fd ? read(fd.get(), buf, sizeof buf - 1) : -1;
  if (n <= 0) return false;
  buf[n] = '\0';
  const char* p = strrchr(buf, ')');
  for (int field = 2; p && field < 20; ++field) p = strchr(p + 1, ' ');
  return p && strtol(p + 1, nullptr, 10) == 1;
}

// Whether the run creates anything on the host that a killed launcher would
// leave behind.
bool NeedsJanitor(const policy::ContainerPlan& plan) {
  if (plan.memory_bytes || plan.cpus > 0 || plan.pids) return true;
  if (plan.network.enabled()) return true;  // run dir with resolv.conf and hosts
  for (const PlannedMount& m : plan.mounts)
    if (m.temp_source || m.kind == PlannedMount::Kind::kHostImage) return true;
  return false;
}

Status Prepare(const policy::ContainerPlan& plan, const EngineInputs& inputs, LaunchState& st,
               child::ChildPlan& cp) {
  if (NeedsJanitor(plan)) {
    VSB_ASSIGN_OR_RETURN(Janitor j, Janitor::Start());
    st.janitor.emplace(std::move(j));
  }
  RenderInputs in;
  VSB_TRY(PrepareMounts(plan, st, in));
  VSB_TRY(PrepareNetwork(plan, st, in));
  VSB_ASSIGN_OR_RETURN(cp, RenderChildPlan(plan, in));
  cp.in_process_init = SingleThreaded();
  VSB_ASSIGN_OR_RETURN(st.spec_memfd, SpecMemfd(plan, inputs));
  VSB_TRY(Pipe(st.sync_rd, st.sync_wr));
  VSB_TRY(Pipe(st.report_rd, st.report_wr));
  if (plan.tty) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
      return FailErrno(errno, "create control socket");
    st.control_parent.reset(sv[0]);
    st.control_child.reset(sv[1]);
  }
  st.init_exe.reset(open(inputs.init_path.c_str(), O_PATH | O_CLOEXEC));
  if (!st.init_exe) return FailErrno(errno, "open " + inputs.init_path);
  CgroupLimits limits{plan.memory_bytes, plan.cpus, plan.pids};
  if (limits.any()) {
    VSB_ASSIGN_OR_RETURN(SandboxCgroup cg, SandboxCgroup::Create(plan.name, limits));
    st.cgroup.emplace(std::move(cg));
    for (const auto& dir : st.cgroup->Dirs()) st.janitor->TrackCgroup(dir);
  }
  // Signals the launcher forwards, plus SIGCHLD, arrive on a signalfd.
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD})
    sigaddset(&mask, sig);
  if (sigprocmask(SIG_BLOCK, &mask, &st.old_mask) < 0) return FailErrno(errno, "block signals");
  st.mask_saved = true;
  st.signal_fd.reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!st.signal_fd) return FailErrno(errno, "create signalfd");
  return {};
}

}  // namespace

LaunchState::~LaunchState() {
  if (pidfd) {
    sys::PidfdSendSignal(pidfd.get(), SIGKILL);
    waitpid(init_pid, nullptr, 0);
  }
  if (cgroup) cgroup->KillAll();
  cgroup.reset();
  image_mounts.clear();
  qcow_exports.clear();
  temp_dirs.clear();
  janitor.reset();
  if (mask_saved) {
    // Drain signals still pending so they do not hit the caller afterwards.
    signalfd_siginfo info;
    while (signal_fd && read(signal_fd.get(), &info, sizeof info) == sizeof info) {
    }
    signal_fd.reset();
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  }
}

RunResult Run(const policy::ContainerPlan& plan, const EngineInputs& inputs, const Stdio& stdio) {
  LaunchState st;
  child::ChildPlan cp;
  if (auto s = Prepare(plan, inputs, st, cp); !s) return RunResult::Failed(s.error());
  if (auto s = Spawn(plan, st, cp, stdio); !s) return RunResult::Failed(s.error());
  if (auto s = WaitForSandbox(plan, st, stdio); !s) return RunResult::Failed(s.error());
  return Conclude(plan, st);
}

}  // namespace vsb::container
