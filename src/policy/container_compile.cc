#include "policy/container_compile.h"

#include <cstdio>

#include "policy/hidden_paths.h"
#include "policy/network_compile.h"

namespace vsb::policy {
namespace {

constexpr uint64_t kDefaultTmpBytes = 1ull << 30;  // -m ram:/tmp=SIZE overrides
constexpr uint64_t kDefaultRunBytes = 64ull << 20;
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.' || name[0] == '-') return false;
  for (char c : name)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool IsTarget(const std::vector<PlannedMount>& mounts, const std::string& target) {
  for (const auto& m : mounts)
    if (m.target == target) return true;
  return false;
}

PlannedMount Tmpfs(const std::string& target, uint32_t mode, uint64_t size = 0) {
  PlannedMount m;
  m.kind = PlannedMount::Kind::kTmpfs;
  m.target = target;
  m.mode = mode;
  m.size_bytes = size;
  return m;
}

std::string Absolute(const std::string& path, const std::string& cwd) {
  if (path.empty() || path[0] == '/') return path;
  return (cwd == "/" ? "" : cwd) + "/" + path;
}

}  // namespace

std::string UniqueName(const host::HostFacts& facts) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "sandbox-%u-%06llx", facts.pid,
                static_cast<unsigned long long>(facts.nonce & 0xffffff));
  return buf;
}

std::vector<std::string> SandboxEnvironment(const SandboxConfig& config,
                                            const host::HostFacts& facts, const std::string& home,
                                            const std::string& user, bool tty) {
  std::vector<std::string> env;
  std::string path = kDefaultPath;
  for (const auto& [key, value] : facts.env) {
    if (key == "PATH" && !value.empty()) path = value;
    bool locale = key == "LANG" || key == "LANGUAGE" || key == "TZ" || key.rfind("LC_", 0) == 0;
    if (locale || (tty && (key == "TERM" || key == "COLORTERM"))) env.push_back(key + "=" + value);
  }
  env.push_back("PATH=" + path);
  env.push_back("HOME=" + home);
  env.push_back("USER=" + user);
  env.push_back("LOGNAME=" + user);
  env.push_back("container=virt-sandbox");
  for (const auto& [key, value] : config.env) {
    std::string prefix = key + "=";
    std::erase_if(env, [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    env.push_back(prefix + value);
  }
  return env;
}

Result<ContainerPlan> CompileContainer(const SandboxConfig& config, const host::HostFacts& facts) {
  ContainerPlan plan;
  if (config.command.empty()) return FailInvalid("no command given (usage: virt-sandbox -- COMMAND [ARGS...])");
  plan.name = config.name.empty() ? UniqueName(facts) : config.name;
  if (!ValidName(plan.name))
    return FailInvalid("-n " + plan.name +
                       ": invalid name (use up to 64 letters, digits, '-', '_' or '.')");
  plan.hostname = config.hostname.empty() ? plan.name : config.hostname;
  if (plan.hostname.size() > 64) return FailInvalid("--hostname: longer than 64 characters");
  plan.root = config.root.empty() ? "/" : Absolute(config.root, facts.cwd);

  // Identity. Root callers keep root's view of file ownership; others map
  // only themselves, which the kernel allows without privilege.
  const bool root_caller = facts.caller.uid == 0;
  plan.caller_uid = facts.caller.uid;
  plan.caller_gid = facts.caller.gid;
  plan.map_all_ids = root_caller;
  if (config.privileged && !config.switch_to.empty())
    return FailInvalid("-p and -S cannot be combined (-p runs as root, -S as another user)");
  std::string home = facts.caller.home, user = facts.caller.name;
  if (!config.switch_to.empty()) {
    if (!root_caller) return FailInvalid("-S " + config.switch_to + ": only root can switch to another user");
    const host::Identity& id = *facts.switch_to;
    plan.uid = id.uid;
    plan.gid = id.gid;
    plan.groups = id.groups;
    home = id.home;
    user = id.name;
  } else if (config.privileged) {
    plan.uid = plan.gid = 0;
    plan.keep_caps = true;
    home = "/root";
    user = "root";
    if (!root_caller) plan.inside_uid = plan.inside_gid = 0;
  } else {
    plan.uid = facts.caller.uid;
    plan.gid = facts.caller.gid;
    plan.groups = facts.caller.groups;
    if (!root_caller) {
      plan.inside_uid = facts.caller.uid;
      plan.inside_gid = facts.caller.gid;
    }
  }
  plan.set_groups = root_caller;
  if (!root_caller) plan.groups.clear();

  // Command.
  plan.argv = config.command;
  plan.tty = config.tty == TtyMode::kAlways ||
             (config.tty == TtyMode::kAuto && facts.stdin_tty && facts.stdout_tty);
  plan.rows = facts.rows;
  plan.cols = facts.cols;
  plan.env = SandboxEnvironment(config, facts, home, user, plan.tty);
  if (!config.cwd.empty()) {
    plan.cwd = config.cwd;
    plan.cwd_required = true;
  } else {
    plan.cwd = plan.root == "/" ? facts.cwd : "/";
  }
  for (int fd : config.pass_fds) {
    if (fd < 3 || fd >= 1000) return FailInvalid("--pass-fd " + std::to_string(fd) + ": use a descriptor from 3 to 999");
    plan.pass_fds.push_back(fd);
  }

  // Mounts: user mounts first decide which private defaults are still needed.
  for (const Mount& m : config.mounts) {
    PlannedMount p;
    p.target = m.target;
    p.writable = m.writable;
    switch (m.kind) {
      case MountKind::kHostBind:
        p.kind = PlannedMount::Kind::kHostBind;
        p.source = Absolute(m.source, facts.cwd);
        p.temp_source = m.source.empty();
        break;
      case MountKind::kHostImage:
        p.kind = PlannedMount::Kind::kHostImage;
        p.source = Absolute(m.source, facts.cwd);
        p.format = m.format;
        break;
      case MountKind::kGuestBind:
        p.kind = PlannedMount::Kind::kGuestBind;
        p.source = m.source;
        break;
      case MountKind::kRam:
        p = Tmpfs(m.target, 01777, m.size_bytes);
        break;
    }
    if (p.target == "/" ) return FailInvalid("-m " + p.target + ": mounting over / is not supported; use -r DIR");
    plan.mounts.push_back(std::move(p));
  }
  // -i files go into the temp host-bind whose target contains them.
  for (const Include& inc : config.includes) {
    PlannedMount* best = nullptr;
    for (auto& p : plan.mounts) {
      if (!p.temp_source) continue;
      const std::string prefix = p.target == "/" ? "/" : p.target + "/";
      if (inc.guest_path.rfind(prefix, 0) == 0 && (!best || p.target.size() > best->target.size())) best = &p;
    }
    if (!best)
      return FailInvalid("-i " + inc.guest_path + ": no temporary host-bind (-m host-bind:DIR=) contains it");
    best->includes.push_back(inc);
  }
  std::vector<PlannedMount> defaults;
  // Bounded, so that filling them cannot exhaust the host's memory.
  for (const char* dir : {"/tmp", "/var/tmp"})
    if (!IsTarget(plan.mounts, dir)) defaults.push_back(Tmpfs(dir, 01777, kDefaultTmpBytes));
  if (!IsTarget(plan.mounts, "/run")) defaults.push_back(Tmpfs("/run", 0755, kDefaultRunBytes));
  plan.mounts.insert(plan.mounts.begin(), defaults.begin(), defaults.end());

  // Other users' homes are theirs: only the caller's (and -S user's) show.
  std::vector<std::string> hidden = DefaultHiddenPaths(home);
  for (const auto& dir : facts.home_dirs)
    if (dir != home && dir != facts.caller.home) hidden.push_back(dir);
  plan.hidden = ApplyExpose(std::move(hidden), config.expose);
  if (home != facts.caller.home)
    for (auto& p : ApplyExpose(DefaultHiddenPaths(facts.caller.home), config.expose)) plan.hidden.push_back(p);

  plan.seccomp = config.seccomp.empty() ? "default" : config.seccomp;
  plan.landlock = facts.landlock_abi > 0;
  for (const auto& p : plan.mounts)
    if (p.writable && p.kind != PlannedMount::Kind::kGuestBind) plan.landlock_writable.push_back(p.target);
  for (const char* extra : {"/dev", "/proc"}) plan.landlock_writable.push_back(extra);
  plan.memory_bytes = config.memory_bytes;
  plan.cpus = config.cpus;
  plan.pids = config.pids;
  plan.timeout_seconds = config.timeout_seconds;

  NetworkContext net;
  net.engine = EngineKind::kContainer;
  net.sandbox_name = plan.name;
  net.hostname = plan.hostname;
  net.caller_uid = facts.caller.uid;
  VSB_ASSIGN_OR_RETURN(plan.network, CompileNetwork(config, net));
  return plan;
}

}  // namespace vsb::policy
