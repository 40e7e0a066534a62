#include "container/render.h"

#include <linux/mount.h>
#include <sys/stat.h>

#include <algorithm>

#include "base/result.h"
#include "proto/api_fs_policy.h"

namespace vsb::container {
namespace {

using child::Op;
using child::OpKind;
using policy::PlannedMount;

// Shared with the VM guest's init (proto/api_fs_policy.h).
constexpr const auto& kDevices = proto::kSandboxDevices;
constexpr const auto& kProcMasked = proto::kProcMasked;
constexpr const auto& kProcReadOnly = proto::kProcReadOnly;

std::string Parent(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == 0 ? "/" : p.substr(0, slash);
}

bool Beneath(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || path.rfind(dir + "/", 0) == 0;
}

bool ExistsOnHost(const std::string& root, const std::string& path) {
  struct stat st;
  std::string full = root == "/" ? path : root + path;
  return lstat(full.c_str(), &st) == 0;
}

Op MakeOp(OpKind kind, std::string target, const char* step) {
  Op op{};
  op.kind = kind;
  op.target = std::move(target);
  op.step = step;
  return op;
}

// Mount targets missing from the root view get a mirror of their nearest
// existing ancestor and mkdirs beneath it: created in the sandbox only.
class TargetMaker {
 public:
  TargetMaker(const std::string& root, std::vector<Op>& ops) : root_(root), ops_(ops) {}

  // `covered`: targets of earlier tmpfs mounts, where mkdir is free.
  void Ensure(const std::string& target, bool is_file) {
    for (const auto& dir : tmpfs_)
      if (target != dir && Beneath(target, dir)) return MakePath(dir, target, is_file);
    if (ExistsOnHost(root_, target)) return;
    std::string ancestor = Parent(target);
    while (ancestor != "/" && !ExistsOnHost(root_, ancestor)) ancestor = Parent(ancestor);
    if (std::find(mirrored_.begin(), mirrored_.end(), ancestor) == mirrored_.end()) {
      ops_.push_back(MakeOp(OpKind::kMirror, ancestor, "create mount point in"));
      mirrored_.push_back(ancestor);
    }
    MakePath(ancestor, target, is_file);
  }
  void AddTmpfs(const std::string& target) { tmpfs_.push_back(target); }

 private:
  void MakePath(const std::string& base, const std::string& target, bool is_file) {
    std::vector<std::string> chain;
    for (std::string p = target; p != base && p != "/"; p = Parent(p)) chain.push_back(p);
    std::reverse(chain.begin(), chain.end());
    for (size_t i = 0; i < chain.size(); ++i) {
      bool last = i + 1 == chain.size();
      ops_.push_back(MakeOp(last && is_file ? OpKind::kCreateFile : OpKind::kMkdir, chain[i],
                            "create mount point"));
    }
  }
  const std::string& root_;
  std::vector<Op>& ops_;
  std::vector<std::string> mirrored_;
  std::vector<std::string> tmpfs_;
};

void AddDev(std::vector<Op>& ops, std::vector<std::string>& trees) {
  Op dev = MakeOp(OpKind::kDevTmpfs, "/dev", "mount tmpfs on");
  dev.attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
  ops.push_back(dev);
  for (const char* name : kDevices) {
    std::string path = std::string("/dev/") + name;
    ops.push_back(MakeOp(OpKind::kCreateFile, path, "create device node"));
    Op bind = MakeOp(OpKind::kBindHost, path, "bind device");
    bind.fd = static_cast<int>(trees.size());
    // Read-only mounts still let device nodes be opened for writing; this
    // only stops chmod/utimes on the host's nodes.
    bind.attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
    trees.push_back(path);
    ops.push_back(bind);
  }
  for (const char* dir : {"/dev/pts", "/dev/shm"}) ops.push_back(MakeOp(OpKind::kMkdir, dir, "create"));
  Op pts = MakeOp(OpKind::kDevpts, "/dev/pts", "mount devpts on");
  pts.attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
  ops.push_back(pts);
  Op shm = MakeOp(OpKind::kTmpfs, "/dev/shm", "mount tmpfs on");
  shm.data = "mode=1777";
  shm.attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  ops.push_back(shm);
  const std::pair<const char*, const char*> links[] = {{"/dev/ptmx", "pts/ptmx"},
                                                       {"/dev/fd", "/proc/self/fd"},
                                                       {"/dev/stdin", "/proc/self/fd/0"},
                                                       {"/dev/stdout", "/proc/self/fd/1"},
                                                       {"/dev/stderr", "/proc/self/fd/2"}};
  for (const auto& [link, to] : links) {
    Op op = MakeOp(OpKind::kSymlink, link, "create symlink");
    op.source = to;
    ops.push_back(op);
  }
  ops.push_back(MakeOp(OpKind::kReadOnly, "/dev", "make read-only"));
}

void AddProcAndSys(std::vector<Op>& ops) {
  Op proc = MakeOp(OpKind::kProc, "/proc", "mount proc on");
  proc.attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  ops.push_back(proc);
  for (const char* p : kProcMasked) {
    Op op = MakeOp(OpKind::kMask, p, "mask");
    op.optional = true;
    ops.push_back(op);
  }
  for (const char* p : kProcReadOnly) {
    Op op = MakeOp(OpKind::kReadOnly, p, "make read-only");
    op.optional = true;
    op.recursive = true;
    ops.push_back(op);
  }
  Op sys = MakeOp(OpKind::kSysfs, "/sys", "mount sysfs on");
  sys.attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  ops.push_back(sys);
  Op fw = MakeOp(OpKind::kMask, "/sys/firmware", "mask");
  fw.optional = true;
  ops.push_back(fw);
}

}  // namespace

Result<child::ChildPlan> RenderChildPlan(const policy::ContainerPlan& plan, const RenderInputs& in) {
  child::ChildPlan cp;
  cp.root = plan.root;
  cp.hostname = plan.hostname;
  cp.tty = plan.tty;
  cp.pass_fds = plan.pass_fds;
  cp.drop_bounding_set = !plan.map_all_ids && !plan.keep_caps;
  TargetMaker maker(plan.root, cp.ops);

  // Mount points missing from the root view, in a first pass, so mirrors
  // happen before anything is mounted beneath them.
  for (const char* dir : {"/dev", "/proc", "/sys"}) maker.Ensure(dir, false);
  for (size_t i = 0; i < plan.mounts.size(); ++i) {
    const PlannedMount& m = plan.mounts[i];
    for (size_t j = 0; j < i; ++j) {
      const PlannedMount& earlier = plan.mounts[j];
      if (earlier.kind != PlannedMount::Kind::kTmpfs && m.target != earlier.target &&
          Beneath(m.target, earlier.target))
        return FailInvalid("-m " + m.target + ": it lies inside the earlier mount " + earlier.target +
                           "; mount it at a path of the root view or inside a ram mount");
    }
    if (m.kind == PlannedMount::Kind::kTmpfs) maker.AddTmpfs(m.target);
  }
  std::vector<Op> user_ops;
  std::swap(cp.ops, user_ops);  // mount point ops so far go first
  std::vector<Op> mount_ops;
  AddDev(mount_ops, cp.host_trees);
  AddProcAndSys(mount_ops);
  for (size_t i = 0; i < plan.mounts.size(); ++i) {
    const PlannedMount& m = plan.mounts[i];
    // Mount points inside earlier tmpfs mounts are made right before use.
    {
      std::vector<Op> made;
      TargetMaker inner(plan.root, made);
      for (size_t j = 0; j < i; ++j)
        if (plan.mounts[j].kind == PlannedMount::Kind::kTmpfs) inner.AddTmpfs(plan.mounts[j].target);
      bool covered = false;
      for (size_t j = 0; j < i; ++j)
        covered |= plan.mounts[j].kind == PlannedMount::Kind::kTmpfs && Beneath(m.target, plan.mounts[j].target) &&
                   m.target != plan.mounts[j].target;
      if (covered) {
        inner.Ensure(m.target, false);
        mount_ops.insert(mount_ops.end(), made.begin(), made.end());
      } else {
        maker.Ensure(m.target, false);
      }
    }
    Op op = MakeOp(OpKind::kTmpfs, m.target, "mount");
    const unsigned safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    op.attrs = safe | (m.writable ? 0 : MOUNT_ATTR_RDONLY);
    switch (m.kind) {
      case PlannedMount::Kind::kTmpfs:
        op.step = "mount tmpfs on";
        op.data = "mode=" + std::to_string(m.mode / 01000) + std::to_string((m.mode / 0100) % 8) +
                  std::to_string((m.mode / 010) % 8) + std::to_string(m.mode % 8);
        if (m.size_bytes) op.data += ",size=" + std::to_string(m.size_bytes);
        break;
      case PlannedMount::Kind::kHostBind:
        op.kind = OpKind::kBindHost;
        op.step = "host-bind";
        op.fd = static_cast<int>(cp.host_trees.size());
        cp.host_trees.push_back(in.mount_sources.at(i));
        break;
      case PlannedMount::Kind::kGuestBind:
        op.kind = OpKind::kBindSandbox;
        op.step = "guest-bind";
        op.source = m.source;
        break;
      case PlannedMount::Kind::kHostImage:
        op.kind = OpKind::kAttachFd;
        op.step = "host-image";
        op.fd = in.image_fds.at(i);
        break;
    }
    mount_ops.push_back(op);
  }
  for (const auto& [target, host_file] : in.file_binds) {
    maker.Ensure(target, true);
    Op op = MakeOp(OpKind::kBindHost, target, "bind network file");
    op.fd = static_cast<int>(cp.host_trees.size());
    op.attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    cp.host_trees.push_back(host_file);
    mount_ops.push_back(op);
  }
  // Credential stores: masked after user mounts unless a mount names them.
  for (const std::string& h : plan.hidden) {
    bool named = std::any_of(plan.mounts.begin(), plan.mounts.end(),
                             [&](const PlannedMount& m) { return Beneath(h, m.target); });
    if (named) continue;
    Op op = MakeOp(OpKind::kMask, h, "hide");
    op.optional = true;
    mount_ops.push_back(op);
  }
  // maker appended mirror/mkdir ops for root-view targets into cp.ops.
  std::vector<Op> all = std::move(user_ops);
  all.insert(all.end(), cp.ops.begin(), cp.ops.end());
  all.insert(all.end(), mount_ops.begin(), mount_ops.end());
  cp.ops = std::move(all);
  return cp;
}

}  // namespace vsb::container
