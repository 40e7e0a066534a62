#include "container/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <sstream>
#include <utility>

namespace vsb::container {
namespace {

std::string ReadSmallFile(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "";
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fd.get(), buf, sizeof buf)) > 0;) text.append(buf, n);
  return text;
}

Status WriteValue(const std::string& path, const std::string& value) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return FailErrno(errno, "open " + path);
  if (write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    return FailErrno(errno, "write " + value + " to " + path);
  return {};
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// mkdir that accepts an existing shared parent.
Status MakeSharedDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return FailErrno(errno, "mkdir " + path);
  return {};
}

void SleepMs(long ms) {
  timespec t{ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&t, nullptr);
}

bool Populated(const std::string& dir) {
  std::string procs = ReadSmallFile(dir + "/cgroup.procs");
  return procs.find_first_not_of(" \n") != std::string::npos;
}

// Sets the limits of a v2 leaf whose parents delegate the controllers.
Status WriteV2Limits(const std::string& dir, const CgroupLimits& l) {
  if (l.memory_bytes) {
    VSB_TRY(WriteValue(dir + "/memory.max", std::to_string(l.memory_bytes)));
    // Swap would let the sandbox exceed --memory: none at all.
    if (Exists(dir + "/memory.swap.max")) VSB_TRY(WriteValue(dir + "/memory.swap.max", "0"));
  }
  if (l.pids) VSB_TRY(WriteValue(dir + "/pids.max", std::to_string(l.pids)));
  if (l.cpus > 0) VSB_TRY(WriteValue(dir + "/cpu.max", CpuMaxValue(l.cpus)));
  return {};
}

// Enables the controllers the limits need in `dir`'s cgroup.subtree_control.
Status DelegateV2(const std::string& dir, const CgroupLimits& l) {
  std::string available = " " + ReadSmallFile(dir + "/cgroup.controllers");
  for (char& c : available)
    if (c == '\n') c = ' ';
  std::string enable;
  auto want = [&](bool needed, const char* controller) {
    if (needed && available.find(std::string(" ") + controller + " ") != std::string::npos)
      enable += std::string(enable.empty() ? "+" : " +") + controller;
  };
  want(l.memory_bytes != 0, "memory");
  want(l.pids != 0, "pids");
  want(l.cpus > 0, "cpu");
  if (enable.empty()) return {};
  return WriteValue(dir + "/cgroup.subtree_control", enable);
}

}  // namespace

CgroupMounts ParseCgroupMounts(const std::string& mountinfo) {
  CgroupMounts m;
  std::istringstream lines(mountinfo);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string id, parent, dev, root, point;
    f >> id >> parent >> dev >> root >> point;
    std::size_t sep = line.find(" - ");
    if (sep == std::string::npos) continue;
    std::istringstream tail(line.substr(sep + 3));
    std::string fstype, source, super;
    tail >> fstype >> source >> super;
    if (fstype == "cgroup2" && m.unified.empty()) m.unified = point;
    if (fstype != "cgroup") continue;
    std::istringstream opts(super);
    for (std::string o; std::getline(opts, o, ',');) {
      if (o == "memory" && m.memory.empty()) m.memory = point;
      if (o == "cpu" && m.cpu.empty()) m.cpu = point;
      if (o == "pids" && m.pids.empty()) m.pids = point;
    }
  }
  return m;
}

int64_t CpuQuotaUs(double cpus) {
  if (!(cpus > 0)) return -1;
  double quota = std::llround(cpus * kCpuPeriodUs);
  return quota < 1000 ? 1000 : static_cast<int64_t>(quota);
}

std::string CpuMaxValue(double cpus) {
  int64_t quota = CpuQuotaUs(cpus);
  return (quota < 0 ? std::string("max") : std::to_string(quota)) + " " +
         std::to_string(kCpuPeriodUs);
}

std::optional<uint64_t> KeyedValue(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string k;
    uint64_t v;
    if (f >> k >> v && k == key) return v;
  }
  return std::nullopt;
}

bool IsValidCgroupName(const std::string& name) {
  return !name.empty() && name.size() <= 200 && name != "." && name != ".." &&
         name.find('/') == std::string::npos && name.find('\n') == std::string::npos;
}

Result<SandboxCgroup> SandboxCgroup::Create(const std::string& sandbox_name,
                                            const CgroupLimits& limits) {
  return CreateIn(ParseCgroupMounts(ReadSmallFile("/proc/self/mountinfo")), sandbox_name, limits);
}

Status SandboxCgroup::MakeLeaf(const std::string& mount, const std::string& name,
                               const CgroupLimits* delegate) {
  std::string parent = mount + "/virt-sandbox";
  std::string leaf = parent + "/" + name;
  // Another sandbox may remove the shared parent when it empties (see
  // RemoveDirs) between our mkdirs: ENOENT then means "try again".
  for (int attempt = 0;; ++attempt) {
    Status made = MakeSharedDir(parent);
    if (made && delegate) made = DelegateV2(parent, *delegate);
    if (made && mkdir(leaf.c_str(), 0755) != 0) made = FailErrno(errno, "create cgroup " + leaf);
    if (made) break;
    // EEXIST on the leaf is an error: names are unique, a stale group is not ours.
    if (made.error().sys_errno() != ENOENT || attempt == 5) return made;
  }
  dirs_.push_back(leaf);
  return {};
}

Result<SandboxCgroup> SandboxCgroup::CreateIn(const CgroupMounts& mounts,
                                              const std::string& name,
                                              const CgroupLimits& limits) {
  if (!IsValidCgroupName(name)) return FailInvalid("invalid sandbox name for a cgroup: " + name);
  SandboxCgroup cg;  // on any failure its destructor removes what was made
  const std::string& v2 = mounts.unified;
  bool pure_v2 = !v2.empty() &&
                 (" " + ReadSmallFile(v2 + "/cgroup.controllers")).find(" memory") !=
                     std::string::npos;
  if (!v2.empty()) {
    if (pure_v2) {
      VSB_TRY(DelegateV2(v2, limits));
    }
    VSB_TRY(cg.MakeLeaf(v2, name, pure_v2 ? &limits : nullptr));
    cg.v2_dir_ = cg.dirs_.back();
    cg.v2_fd_.reset(open(cg.v2_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cg.v2_fd_) return FailErrno(errno, "open cgroup " + cg.v2_dir_);
    if (pure_v2) {
      VSB_TRY(WriteV2Limits(cg.v2_dir_, limits));
      cg.memory_dir_ = cg.v2_dir_;
      cg.memory_is_v2_ = true;
      return cg;
    }
  }
  // v1 controllers: one leaf per limit asked for; the pids group also tracks
  // the processes when there is no cgroup2 mount at all.
  auto v1_leaf = [&](const std::string& mount, const char* what) -> Result<std::string> {
    if (mount.empty())
      return Fail(Error(ErrorCode::kUnsupported,
                        std::string("no ") + what + " cgroup controller on this host"));
    VSB_TRY(cg.MakeLeaf(mount, name, nullptr));
    cg.v1_dirs_.push_back(cg.dirs_.back());
    return cg.dirs_.back();
  };
  if (limits.memory_bytes) {
    VSB_ASSIGN_OR_RETURN(std::string dir, v1_leaf(mounts.memory, "memory"));
    std::string bytes = std::to_string(limits.memory_bytes);
    VSB_TRY(WriteValue(dir + "/memory.limit_in_bytes", bytes));
    // memory+swap equal to memory: swapping does not extend the limit.
    if (Exists(dir + "/memory.memsw.limit_in_bytes"))
      VSB_TRY(WriteValue(dir + "/memory.memsw.limit_in_bytes", bytes));
    cg.memory_dir_ = dir;
  }
  if (limits.pids || (v2.empty() && !mounts.pids.empty())) {
    VSB_ASSIGN_OR_RETURN(std::string dir, v1_leaf(mounts.pids, "pids"));
    if (limits.pids) VSB_TRY(WriteValue(dir + "/pids.max", std::to_string(limits.pids)));
  }
  if (limits.cpus > 0) {
    VSB_ASSIGN_OR_RETURN(std::string dir, v1_leaf(mounts.cpu, "cpu"));
    VSB_TRY(WriteValue(dir + "/cpu.cfs_period_us", std::to_string(kCpuPeriodUs)));
    VSB_TRY(WriteValue(dir + "/cpu.cfs_quota_us", std::to_string(CpuQuotaUs(limits.cpus))));
  }
  if (cg.dirs_.empty())
    return Fail(Error(ErrorCode::kUnsupported, "no usable cgroup hierarchy on this host"));
  return cg;
}

SandboxCgroup::SandboxCgroup(SandboxCgroup&& o) noexcept
    : dirs_(std::exchange(o.dirs_, {})),
      v2_dir_(std::exchange(o.v2_dir_, {})),
      v2_fd_(std::move(o.v2_fd_)),
      v1_dirs_(std::exchange(o.v1_dirs_, {})),
      memory_dir_(std::exchange(o.memory_dir_, {})),
      memory_is_v2_(o.memory_is_v2_) {}

SandboxCgroup& SandboxCgroup::operator=(SandboxCgroup&& o) noexcept {
  if (this != &o) {
    KillAll();
    RemoveDirs();
    dirs_ = std::exchange(o.dirs_, {});
    v2_dir_ = std::exchange(o.v2_dir_, {});
    v2_fd_ = std::move(o.v2_fd_);
    v1_dirs_ = std::exchange(o.v1_dirs_, {});
    memory_dir_ = std::exchange(o.memory_dir_, {});
    memory_is_v2_ = o.memory_is_v2_;
  }
  return *this;
}

SandboxCgroup::~SandboxCgroup() {
  KillAll();
  RemoveDirs();
}

Status SandboxCgroup::AddProcess(pid_t pid) {
  for (const auto& dir : v1_dirs_) VSB_TRY(WriteValue(dir + "/cgroup.procs", std::to_string(pid)));
  return {};
}

void SandboxCgroup::KillAll() {
  // cgroup.kill (5.14+) ends every process atomically, even one forking as
  // fast as it can; without it, SIGKILL each listed pid until none is left.
  bool killed_v2 = !v2_dir_.empty() && WriteValue(v2_dir_ + "/cgroup.kill", "1").has_value();
  std::vector<std::string> dirs = v1_dirs_;
  if (!v2_dir_.empty()) dirs.push_back(v2_dir_);
  for (int round = 0; round < 200; ++round) {  // bounded: about 2 s
    bool any = false;
    for (const auto& dir : dirs) {
      if (!Populated(dir)) continue;
      any = true;
      if (killed_v2 && dir == v2_dir_) continue;
      std::istringstream pids(ReadSmallFile(dir + "/cgroup.procs"));
      for (pid_t pid; pids >> pid;) kill(pid, SIGKILL);
    }
    if (!any) return;
    SleepMs(10);
  }
}

bool SandboxCgroup::MemoryLimitHit() const {
  if (memory_dir_.empty()) return false;
  if (memory_is_v2_) return KeyedValue(ReadSmallFile(memory_dir_ + "/memory.events"), "oom_kill") > 0u;
  std::string oom = ReadSmallFile(memory_dir_ + "/memory.oom_control");
  if (auto kills = KeyedValue(oom, "oom_kill")) return *kills > 0;
  return KeyedValue("failcnt " + ReadSmallFile(memory_dir_ + "/memory.failcnt"), "failcnt") > 0u;
}

void SandboxCgroup::RemoveDirs() {
  v2_fd_.reset();
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    // A killed task leaves the group a moment after it died: EBUSY until then.
    for (int round = 0; round < 200 && rmdir(it->c_str()) != 0 && errno == EBUSY; ++round)
      SleepMs(10);
    // The shared parent goes when the last sandbox leaves it, so a host looks
    // the same after a run as before; fails harmlessly while others use it.
    rmdir(it->substr(0, it->rfind('/')).c_str());
  }
  dirs_.clear();
  v1_dirs_.clear();
  v2_dir_.clear();
  memory_dir_.clear();
}

}  // namespace vsb::container
