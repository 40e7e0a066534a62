// SandboxConfig -> TOML text (what --dump-config prints). Written by hand so
// the output follows the schema's order and leaves defaults out.
#include <charconv>
#include <cstdio>
#include <string>

#include "config/option_parsers.h"
#include "config/toml_config.h"

namespace vsb::config {
namespace {

// A TOML basic string: ", \ and control bytes escaped; other bytes as they are.
std::string Str(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Shortest text that reads back as the same double.
std::string Num(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

std::string StrArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Str(items[i]);
  return out + "]";
}

// A bare key when possible, else a quoted one.
std::string Key(std::string_view k) {
  bool bare = !k.empty();
  for (char c : k) {
    bare = bare && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-');
  }
  return bare ? std::string(k) : Str(k);
}

}  // namespace

std::string ToToml(const SandboxConfig& c) {
  const SandboxConfig d;  // defaults are left out
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    out += std::string(key) + " = " + value + "\n";
  };
  if (c.uri != d.uri) line("uri", Str(c.uri));
  if (c.name != d.name) line("name", Str(c.name));
  if (!c.command.empty()) line("command", StrArray(c.command));
  if (c.privileged) line("privileged", "true");
  if (c.switch_to != d.switch_to) line("switch_to", Str(c.switch_to));
  if (c.root != d.root) line("root", Str(c.root));
  if (c.hostname != d.hostname) line("hostname", Str(c.hostname));
  if (c.cwd != d.cwd) line("cwd", Str(c.cwd));
  if (c.tty != d.tty) line("tty", Str(TtyModeName(c.tty)));
  if (c.timeout_seconds != d.timeout_seconds) line("timeout", Num(c.timeout_seconds));
  if (c.verbose) line("verbose", "true");
  if (c.debug) line("debug", "true");
  if (c.seccomp != d.seccomp) line("seccomp", Str(c.seccomp));
  if (!c.expose.empty()) line("expose", StrArray(c.expose));
  if (!c.pass_fds.empty()) {
    std::string fds = "[";
    for (size_t i = 0; i < c.pass_fds.size(); ++i) fds += (i ? ", " : "") + std::to_string(c.pass_fds[i]);
    line("pass_fds", fds + "]");
  }
  if (!c.env.empty()) {
    out += "\n[env]\n";
    for (const auto& [k, v] : c.env) line(Key(k), Str(v));
  }
  if (c.memory_bytes || c.cpus != d.cpus || c.pids) {
    out += "\n[limits]\n";
    if (c.memory_bytes) line("memory", Str(FormatSize(c.memory_bytes)));
    if (c.cpus != d.cpus) line("cpus", Num(c.cpus));
    if (c.pids) line("pids", std::to_string(c.pids));
  }
  if (!c.kernver.empty() || !c.kernpath.empty() || !c.kmodpath.empty() || !c.accel.empty() ||
      c.debug_shell) {
    out += "\n[vm]\n";
    if (!c.kernver.empty()) line("kernver", Str(c.kernver));
    if (!c.kernpath.empty()) line("kernpath", Str(c.kernpath));
    if (!c.kmodpath.empty()) line("kmodpath", Str(c.kmodpath));
    if (!c.accel.empty()) line("accel", Str(c.accel));
    if (c.debug_shell) line("shell", "true");
  }
  for (const Mount& m : c.mounts) {
    out += "\n[[mount]]\n";
    line("type", Str(MountKindName(m.kind)));
    line("target", Str(m.target));
    if (!m.source.empty()) line("source", Str(m.source));
    if (m.size_bytes) line("size", Str(FormatSize(m.size_bytes)));
    if (!m.format.empty()) line("format", Str(m.format));
    if (m.writable != (m.kind != MountKind::kHostImage)) line("writable", m.writable ? "true" : "false");
  }
  for (const Network& n : c.networks) {
    out += "\n[[network]]\n";
    line("mode", Str(NetworkModeName(n.mode)));
    if (!n.bridge.empty()) line("bridge", Str(n.bridge));
    if (n.dhcp) line("dhcp", "true");
    if (!n.mac.empty()) line("mac", Str(n.mac));
    if (n.mtu) line("mtu", std::to_string(n.mtu));
    if (!n.addresses.empty()) line("address", StrArray(n.addresses));
    if (!n.routes.empty()) line("route", StrArray(n.routes));
    if (!n.dns.empty()) line("dns", StrArray(n.dns));
    if (!n.publish.empty()) line("publish", StrArray(n.publish));
    if (!n.filter.empty()) line("filter", Str(n.filter));
    if (!n.filter_params.empty()) {
      std::vector<std::string> params;
      for (const auto& [k, v] : n.filter_params) params.push_back(k + "=" + v);
      line("filter_params", StrArray(params));
    }
  }
  for (const Include& inc : c.includes) {
    out += "\n[[include]]\n";
    line("guest", Str(inc.guest_path));
    line("host", Str(inc.host_path));
  }
  return out;
}

}  // namespace vsb::config
