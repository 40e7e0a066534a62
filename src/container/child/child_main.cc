// The container child: runs after clone3 in the new namespaces, builds the
// sandbox's mount tree and becomes PID 1 (see BecomeInit) or execs
// virt-sandbox-init as PID 1.
//
// Async-signal-safe only: the parent rendered everything into ChildPlan; this
// code reads it, makes syscalls and never allocates, throws or locks.
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "base/syscalls.h"
#include "container/child/child_plan.h"
#include "container/child/mount_calls.h"
#include "init/container_init.h"
#include "proto/init_spec.h"

namespace vsb::container::child {
namespace {

constexpr int kMaxHostTrees = 64;
constexpr int kInitExecFd = proto::kControlFd + 1;
constexpr const char* kStaging = "/tmp";  // covered only in our private mount ns

[[noreturn]] void Fail(const ChildPlan& p, const char* step, const char* object) {
  int err = errno;
  proto::InitReport r;
  proto::MakeReport(&r, proto::InitReport::kSetupFailed, 0, err, step, object);
  ssize_t ignored = write(p.report_fd, &r, sizeof r);
  (void)ignored;
  _exit(1);
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

int OpenRoot() { return open(kStaging, O_PATH | O_DIRECTORY | O_CLOEXEC); }

// Applies one op; returns -1 with errno on failure.
int Apply(const Op& op, int& root_fd, const int* trees) {
  const char* t = op.target.c_str();
  switch (op.kind) {
    case OpKind::kMirror: {
      if (MirrorDirectory(root_fd, t, kStaging) < 0) return -1;
      if (!strcmp(t, "/")) {  // the root itself is now the mirror tmpfs
        close(root_fd);
        root_fd = OpenRoot();
      }
      return root_fd < 0 ? -1 : 0;
    }
    case OpKind::kMkdir:
    case OpKind::kCreateFile:
    case OpKind::kSymlink: {
      const char* name;
      Fd parent{OpenParentInRoot(root_fd, t, &name)};
      if (parent.fd < 0) return -1;
      if (op.kind == OpKind::kMkdir) return mkdirat(parent.fd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
      if (op.kind == OpKind::kSymlink) return symlinkat(op.source.c_str(), parent.fd, name);
      int f = openat(parent.fd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      return f < 0 ? -1 : close(f);
    }
    default:
      break;
  }
  Fd target{OpenInRoot(root_fd, t, op.kind == OpKind::kMask)};
  // An optional target the caller cannot even reach needs no mask.
  if (target.fd < 0)
    return op.optional && (errno == ENOENT || errno == EACCES || errno == ENOTDIR) ? 0 : -1;
  int m = -1;
  switch (op.kind) {
    case OpKind::kTmpfs:
      m = NewMount("tmpfs", op.data.c_str(), op.attrs);
      break;
    case OpKind::kDevTmpfs:
      m = NewMount("tmpfs", "mode=0755,size=65536", op.attrs);
      break;
    case OpKind::kProc:
      m = NewMount("proc", nullptr, op.attrs);
      break;
    case OpKind::kSysfs:
      m = NewMount("sysfs", nullptr, op.attrs);
      break;
    case OpKind::kDevpts:
      m = NewMount("devpts", "ptmxmode=0666,mode=0620", op.attrs);
      break;
    case OpKind::kBindHost:
      m = dup(trees[op.fd]);
      if (m >= 0 && op.attrs && SetAttrs(m, op.attrs, true) < 0) return -1;
      break;
    case OpKind::kBindSandbox: {
      Fd src{OpenInRoot(root_fd, op.source.c_str(), true)};
      if (src.fd < 0) return -1;
      m = CloneTree(src.fd, "", true);
      if (m >= 0 && op.attrs && SetAttrs(m, op.attrs, true) < 0) return -1;
      break;
    }
    case OpKind::kAttachFd:
      m = dup(op.fd);
      break;
    case OpKind::kMask: {
      struct stat st;
      if (fstat(target.fd, &st) < 0) return -1;
      const unsigned ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
      if (S_ISDIR(st.st_mode)) {
        m = NewMount("tmpfs", "mode=0000,size=4096", ro | MOUNT_ATTR_NODEV);
      } else {
        Fd null_dev{OpenInRoot(root_fd, "/dev/null", false)};
        if (null_dev.fd < 0) return -1;
        m = CloneTree(null_dev.fd, "", false);
        if (m >= 0 && SetAttrs(m, ro, false) < 0) return -1;
      }
      break;
    }
    case OpKind::kReadOnly:
      // A mount root is changed in place; any other directory gets a
      // read-only self-bind that keeps the mounts beneath it.
      if (SetAttrs(target.fd, MOUNT_ATTR_RDONLY, op.recursive) == 0) return 0;
      if (errno != EINVAL) return -1;
      m = CloneTree(target.fd, "", true);
      if (m >= 0 && SetAttrs(m, MOUNT_ATTR_RDONLY, op.recursive) < 0) return -1;
      break;
    default:
      errno = EINVAL;
      return -1;
  }
  if (m < 0) return -1;
  Fd mount_fd{m};
  return Attach(mount_fd.fd, target.fd);
}

// Moves fd `from` to number `to` (dup2 clears CLOEXEC on the new number).
void Place(const ChildPlan& p, int from, int to) {
  if (from == to) {
    int flags = fcntl(to, F_GETFD);
    if (flags < 0 || fcntl(to, F_SETFD, flags & ~FD_CLOEXEC) < 0) Fail(p, "keep descriptor", nullptr);
  } else if (dup2(from, to) < 0) {
    Fail(p, "dup2 descriptor", nullptr);
  }
}

// Closes every fd except 0-2, the caller's --pass-fd list and init's fds.
void CloseOthers(const ChildPlan& p) {
  unsigned next = 3;
  for (int keep = 3; keep < proto::kInitFdBase; ++keep) {
    bool pass = false;
    for (int fd : p.pass_fds) pass |= fd == keep;
    if (!pass) continue;
    if (next < static_cast<unsigned>(keep)) sys::CloseRange(next, keep - 1, 0);
    next = keep + 1;
  }
  sys::CloseRange(next, proto::kInitFdBase - 1, 0);
  sys::CloseRange(kInitExecFd + 1, ~0u, 0);
}

// PID 1 without an exec. The process still holds a copy of the launcher's
// memory (the caller's unfiltered environment among it), so it is made
// non-dumpable: the command cannot ptrace it or read /proc/1/{mem,environ,exe}
// (the last would reach the launcher binary through a host mount). An
// unprivileged caller's init loses its capabilities as an exec would.
[[noreturn]] void BecomeInit(const ChildPlan& p) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) Fail(p, "make init non-dumpable", nullptr);
  prctl(PR_SET_NAME, "virt-sandbox-init", 0, 0, 0);  // as exec would name it
  if (p.drop_bounding_set) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3]{};
    if (syscall(SYS_capset, &header, none) < 0) Fail(p, "drop init capabilities", nullptr);
  }
  close(kInitExecFd);
  _exit(init::ContainerInitMain());
}

}  // namespace

void ChildMain(const ChildPlan& p) noexcept {
  // Die with the launcher; the sync read below catches a launcher that died
  // before this line.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  char go;
  if (read(p.sync_fd, &go, 1) != 1) _exit(1);

  // Nothing we mount may propagate back to the host.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) Fail(p, "make mounts private", nullptr);
  int trees[kMaxHostTrees];
  int ntrees = static_cast<int>(p.host_trees.size());
  if (ntrees > kMaxHostTrees) {
    errno = E2BIG;
    Fail(p, "too many host mounts", nullptr);
  }
  for (int i = 0; i < ntrees; ++i) {
    trees[i] = CloneTree(AT_FDCWD, p.host_trees[i].c_str(), true);
    if (trees[i] < 0) Fail(p, "bind host path", p.host_trees[i].c_str());
  }
  {
    Fd root_tree{CloneTree(AT_FDCWD, p.root.c_str(), true)};
    if (root_tree.fd < 0) Fail(p, "clone root tree", p.root.c_str());
    const unsigned ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (SetAttrs(root_tree.fd, ro, true) < 0) Fail(p, "make root read-only", p.root.c_str());
    Fd staging{open(kStaging, O_PATH | O_DIRECTORY | O_CLOEXEC)};
    if (staging.fd < 0 || Attach(root_tree.fd, staging.fd) < 0) Fail(p, "attach root tree", p.root.c_str());
  }
  int root_fd = OpenRoot();
  if (root_fd < 0) Fail(p, "open new root", nullptr);
  for (const Op& op : p.ops)
    if (Apply(op, root_fd, trees) < 0) Fail(p, op.step, op.target.c_str());
  for (int i = 0; i < ntrees; ++i) close(trees[i]);

  if (!p.hostname.empty() && sethostname(p.hostname.data(), p.hostname.size()) < 0)
    Fail(p, "set hostname", p.hostname.c_str());
  if (BringUpLoopback() < 0) Fail(p, "bring up loopback", nullptr);

  if (fchdir(root_fd) < 0 || sys::PivotRoot(".", ".") < 0) Fail(p, "pivot_root into", "the new root");
  if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) Fail(p, "detach old root", nullptr);
  close(root_fd);

  // Descriptors: init's private ones high, the stdio low, nothing else.
  Place(p, p.spec_fd, proto::kSpecFd);
  Place(p, p.report_fd, proto::kReportFd);
  if (p.control_fd >= 0) Place(p, p.control_fd, proto::kControlFd);
  if (dup3(p.init_fd, kInitExecFd, O_CLOEXEC) < 0) Fail(p, "dup2 descriptor", nullptr);
  int saved[3];
  for (int i = 0; i < 3; ++i)
    if ((saved[i] = fcntl(p.stdio[i], F_DUPFD_CLOEXEC, kInitExecFd + 1)) < 0) Fail(p, "dup stdio", nullptr);
  for (int i = 0; i < 3; ++i) Place(p, saved[i], i);
  CloseOthers(p);

  if (p.drop_bounding_set)
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap)
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) Fail(p, "clear capability bounding set", nullptr);
  if (p.in_process_init) BecomeInit(p);
  char arg0[] = "virt-sandbox-init";
  char* argv[] = {arg0, nullptr};
  char* envp[] = {nullptr};
  syscall(SYS_execveat, kInitExecFd, "", argv, envp, AT_EMPTY_PATH);
  proto::InitReport r;
  proto::MakeReport(&r, proto::InitReport::kSetupFailed, 0, errno, "exec virt-sandbox-init", nullptr);
  ssize_t ignored = write(proto::kReportFd, &r, sizeof r);
  (void)ignored;
  _exit(1);
}

}  // namespace vsb::container::child
