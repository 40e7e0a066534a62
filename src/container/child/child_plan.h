// ChildPlan: the container child's instructions, rendered by the parent
// before clone3 so that the child only reads memory and makes syscalls.
//
// Paths in ops are absolute paths inside the sandbox; the child resolves each
// beneath the new root with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS), so
// a symlink planted in the root view can never redirect a mount to the host.
#pragma once

#include <string>
#include <vector>

namespace vsb::container::child {

enum class OpKind {
  kMirror,       // replace dir `target` by a tmpfs holding binds of its entries
  kMkdir,        // create dir `target` (its parent is a tmpfs the sandbox owns)
  kTmpfs,        // tmpfs at target; `data` = "mode=...,size=..."
  kDevTmpfs,     // tmpfs at target (/dev), noexec
  kBindHost,     // the pre-cloned host tree host_trees[fd] at target
  kBindSandbox,  // `source` (inside the sandbox) at target, recursively
  kAttachFd,     // an inherited detached mount (host image) at target
  kProc,         // fresh proc at target
  kSysfs,        // fresh read-only sysfs at target
  kDevpts,       // new devpts instance at target
  kCreateFile,   // empty file `target` as a bind mount point (in our tmpfs)
  kSymlink,      // symlink target → source (in our tmpfs)
  kMask,         // hide target if it exists: dir → empty ro tmpfs, file → ro /dev/null
  kReadOnly,     // make the mount at target read-only (recursive if `recursive`)
};

struct Op {
  OpKind kind;
  std::string target;
  std::string source;
  std::string data;
  int fd = -1;             // kBindHost: index in host_trees; kAttachFd: fd number
  unsigned attrs = 0;      // MOUNT_ATTR_* applied to the new mount
  bool recursive = false;
  bool optional = false;   // skip when the target does not exist
  const char* step = "";   // what the user reads if it fails
};

struct ChildPlan {
  std::string root = "/";                // host tree cloned read-only as /
  std::vector<std::string> host_trees;   // host paths cloned before the root is attached
  std::vector<Op> ops;
  std::string hostname;
  bool tty = false;
  // Clear the bounding set before exec: init of an unprivileged caller has no
  // capabilities after exec, so it could not do it later.
  bool drop_bounding_set = false;
  // Run PID 1's loop (init::ContainerInitMain) in this process instead of
  // exec'ing virt-sandbox-init: saves an exec, the dearest step of start-up.
  // Only when the launcher is single-threaded, since PID 1 then allocates in
  // a copy of the launcher's memory (no other thread can hold a lock there).
  bool in_process_init = false;

  // Descriptors (numbers in the parent, inherited by the child).
  int sync_fd = -1;     // read end: one byte once the id maps are written
  int report_fd = -1;   // InitReport on failure; dup'ed to proto::kReportFd
  int spec_fd = -1;     // memfd; dup'ed to proto::kSpecFd
  int control_fd = -1;  // tty only; dup'ed to proto::kControlFd
  int init_fd = -1;     // O_PATH fd of virt-sandbox-init
  int stdio[3] = {0, 1, 2};
  std::vector<int> pass_fds;
};

// Runs in the child after clone3. Never returns: becomes PID 1 (in process or
// by exec'ing init) or reports the failing step through report_fd and exits.
[[noreturn]] void ChildMain(const ChildPlan& plan) noexcept;

}  // namespace vsb::container::child
