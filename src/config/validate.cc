#include "config/validate.h"

#include <algorithm>
#include <string>

#include "config/network_values.h"
#include "config/option_parsers.h"
#include "config/path_checks.h"
#include "config/quote.h"

namespace vsb::config {
namespace {

// GCC 12's std::expected lacks transform_error.
Status Context(Status status, std::string_view context) {
  if (status) return status;
  return Fail(status.error().WithContext(context));
}

bool IsAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Status CheckCommand(const std::vector<std::string>& command) {
  if (command.empty()) {
    return FailInvalid("no command given (usage: virt-sandbox [OPTIONS] [--] COMMAND [ARGS...])");
  }
  if (command.front().empty()) return FailInvalid("the command name is empty (name a program, e.g. /bin/sh)");
  for (const std::string& arg : command) {
    if (arg.find('\0') != std::string::npos) {
      return FailInvalid("command argument " + Quote(arg) + " contains a NUL byte (remove it)");
    }
  }
  return {};
}

// Each include is copied into the temporary directory of a host-bind mount
// with an empty source whose target contains the include's guest path.
Status CheckIncludeHasMount(const Include& include, const std::vector<Mount>& mounts) {
  for (const Mount& m : mounts) {
    if (m.kind != MountKind::kHostBind || !m.source.empty()) continue;
    const std::string& g = include.guest_path;
    if (g.size() > m.target.size() && g.starts_with(m.target) && g[m.target.size()] == '/') return {};
  }
  std::string dir = include.guest_path.substr(0, include.guest_path.rfind('/'));
  if (dir.empty()) dir = "/DIR";
  return FailInvalid("include " + Quote(include.guest_path) +
                     " is not under a host-bind mount with an empty source (add -m host-bind:" +
                     Printable(dir) + "=)");
}

Status CheckUserName(std::string_view user) {
  bool ok = !user.empty() && user.size() <= 32 && user.front() != '-';
  for (char c : user) ok = ok && (IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == '$');
  if (!ok) return FailInvalid("invalid user name " + Quote(user) + " (use a name from /etc/passwd)");
  return {};
}

Status CheckKernelField(std::string_view value, std::string_view what, bool is_path) {
  if (value.empty()) return {};
  if (is_path) return CheckHostPath(value, what);
  if (HasControlByte(value) || value.find('/') != std::string_view::npos || value == "." ||
      value == "..") {
    return FailInvalid(std::string(what) + " " + Quote(value) +
                       " is not a kernel release (e.g. 6.1.0-13-amd64, as uname -r prints)");
  }
  return {};
}

// Each interface on its own, then what spans interfaces: the count, and a
// host port published by two interfaces (the second bind would fail late).
Status CheckNetworks(const std::vector<Network>& networks) {
  if (networks.size() > kMaxNetworks) {
    return FailInvalid("-N: " + std::to_string(networks.size()) + " network interfaces given, at most " +
                       std::to_string(kMaxNetworks) + " (eth0..eth7) are supported");
  }
  std::vector<std::pair<uint16_t, bool>> host_ports;
  for (size_t i = 0; i < networks.size(); ++i) {
    const std::string where = "network eth" + std::to_string(i);
    VSB_TRY(Context(CheckNetwork(networks[i]), where));
    for (const std::string& p : networks[i].publish) {
      auto pub = ParseNetPublish(p);
      std::pair<uint16_t, bool> key{pub->host_port, pub->udp};
      if (std::find(host_ports.begin(), host_ports.end(), key) != host_ports.end()) {
        return FailInvalid(where + ": publish=" + Printable(p) + ": host port " +
                           std::to_string(pub->host_port) +
                           " is already published by another interface (publish it once)");
      }
      host_ports.push_back(key);
    }
  }
  return {};
}

}  // namespace

Status CheckName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64 && name.front() != '.' && name.front() != '-';
  for (char c : name) ok = ok && (IsAlnum(c) || c == '_' || c == '-' || c == '.');
  if (!ok) {
    return FailInvalid("invalid name " + Quote(name) +
                       " (use 1-64 letters, digits, _, - or ., starting with a letter or digit)");
  }
  return {};
}

Status CheckHostname(std::string_view hostname) {
  bool ok = !hostname.empty() && hostname.size() <= 64;
  size_t label = 0;
  for (size_t i = 0; ok && i < hostname.size(); ++i) {
    char c = hostname[i];
    if (c == '.') {
      ok = label > 0 && hostname[i - 1] != '-';
      label = 0;
    } else {
      ok = IsAlnum(c) || (c == '-' && label > 0);
      ++label;
    }
  }
  ok = ok && label > 0 && hostname.back() != '-';
  if (!ok) {
    return FailInvalid("invalid hostname " + Quote(hostname) +
                       " (use letters, digits and -, in dot-separated labels, at most 64 bytes)");
  }
  return {};
}

Status Validate(const SandboxConfig& c, const ValidateOptions& options) {
  if (!EngineForUri(c.uri)) {
    return FailInvalid("-c " + Quote(c.uri) + ": unknown URI (use lxc:///, qemu:///session or qemu:///system)");
  }
  if (options.require_command || !c.command.empty()) VSB_TRY(CheckCommand(c.command));
  if (!c.name.empty()) VSB_TRY(CheckName(c.name));
  if (!c.hostname.empty()) VSB_TRY(CheckHostname(c.hostname));
  if (c.privileged && !c.switch_to.empty()) {
    return FailInvalid("-p/--privileged and -S/--switchto " + Quote(c.switch_to) +
                       " exclude each other (choose one)");
  }
  if (!c.switch_to.empty()) VSB_TRY(Context(CheckUserName(c.switch_to), "-S/--switchto"));
  VSB_TRY(CheckHostPath(c.root, "-r/--root"));
  if (!c.cwd.empty()) VSB_TRY(CheckSandboxPath(c.cwd, "--cwd", true));
  for (const auto& [key, value] : c.env) {
    VSB_TRY(Context(CheckEnvName(key), "-e"));
    if (value.find('\0') != std::string::npos) {
      return FailInvalid("-e " + key + ": value contains a NUL byte (remove it)");
    }
  }
  for (const Mount& m : c.mounts) {
    VSB_TRY(Context(CheckMount(m), "mount " + Printable(m.target)));
  }
  for (const Include& inc : c.includes) {
    VSB_TRY(Context(CheckInclude(inc), "-i"));
    VSB_TRY(CheckIncludeHasMount(inc, c.mounts));
  }
  VSB_TRY(CheckNetworks(c.networks));
  if (c.timeout_seconds != 0) VSB_TRY(CheckTimeout(c.timeout_seconds));
  if (c.cpus != 0) VSB_TRY(CheckCpus(c.cpus));
  if (c.pids != 0) VSB_TRY(CheckPids(c.pids));
  if (c.memory_bytes != 0) VSB_TRY(CheckMemory(c.memory_bytes));
  if (!c.accel.empty() && c.accel != "kvm" && c.accel != "tcg") {
    return FailInvalid("--accel " + Quote(c.accel) + ": unknown accelerator (use kvm or tcg)");
  }
  VSB_TRY(CheckKernelField(c.kernver, "--kernver", false));
  VSB_TRY(CheckKernelField(c.kernpath, "--kernpath", true));
  VSB_TRY(CheckKernelField(c.kmodpath, "--kmodpath", true));
  if (c.seccomp.empty() || HasControlByte(c.seccomp)) {
    return FailInvalid("--seccomp " + Quote(c.seccomp) +
                       ": invalid profile (use default, unconfined, a profile name or a file path)");
  }
  for (const std::string& path : c.expose) {
    VSB_TRY(CheckSandboxPath(path, "--expose", true));  // "/" exposes every hidden path
  }
  std::vector<int> fds = c.pass_fds;
  std::sort(fds.begin(), fds.end());
  for (size_t i = 0; i < fds.size(); ++i) {
    VSB_TRY(Context(CheckPassFd(fds[i]), "--pass-fd"));
    if (i > 0 && fds[i] == fds[i - 1]) {
      return FailInvalid("--pass-fd " + std::to_string(fds[i]) + " is given twice (give each fd once)");
    }
  }
  return {};
}

}  // namespace vsb::config
