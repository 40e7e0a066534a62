// TOML -> SandboxConfig. The only file that sees toml++ while parsing; its
// exceptions stop here and become Errors carrying FILE:LINE:COLUMN.
//
// toml++ 3.3.0 asserts wrongly on some malformed input (`[` + newline + `x]`
// trips an assert in parse_key() although the parser then reports the error
// correctly, as release builds show). Its asserts are off in release builds;
// turning them off here too makes every build type behave the same. This is
// the only file that includes toml++, so no other definition can differ.
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

#include <span>
#include <string>

#include "config/file_reader.h"
#include "config/network_values.h"
#include "config/option_parsers.h"
#include "config/quote.h"
#include "config/toml_config.h"
#include "config/toml_guard.h"

namespace vsb::config {
namespace {

using Keys = std::span<const std::string_view>;

constexpr std::string_view kTopKeys[] = {
    "uri",   "name",    "command", "privileged", "switch_to", "root",   "hostname",
    "cwd",   "tty",     "timeout", "verbose",    "debug",     "seccomp", "expose",
    "pass_fds", "env",  "mount",   "include",    "limits",    "vm",      "network"};
constexpr std::string_view kMountKeys[] = {"type", "target", "source", "size", "format", "writable"};
constexpr std::string_view kIncludeKeys[] = {"guest", "host"};
constexpr std::string_view kLimitKeys[] = {"memory", "cpus", "pids"};
constexpr std::string_view kNetworkKeys[] = {"mode", "bridge",  "dhcp", "mac",     "mtu",
                                             "address", "route", "dns", "publish", "filter",
                                             "filter_params"};
constexpr std::string_view kVmKeys[] = {"kernver", "kernpath", "kmodpath", "accel", "shell"};

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

class Loader {
 public:
  explicit Loader(std::string_view source) : source_(source) {}

  std::unexpected<Error> At(const toml::source_region& where, const std::string& message) const {
    return FailInvalid(Printable(source_, 200) + ":" + std::to_string(where.begin.line) + ": " + message);
  }
  std::unexpected<Error> At(const toml::node& node, std::string_view key, const Error& e) const {
    return At(node.source(), std::string(key) + ": " + e.message());
  }

  Status CheckKeys(const toml::table& table, Keys known, std::string_view section) const {
    for (auto&& [key, value] : table) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || key.str() == k;
      if (ok) continue;
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return At(key.source(), "unknown key " + Quote(key.str()) + " in " + std::string(section) +
                                  " (known keys: " + list + ")");
    }
    return {};
  }

  std::unexpected<Error> WrongType(const toml::node& node, std::string_view key,
                                   std::string_view want) const {
    return At(node.source(), "key " + Quote(key) + " must be " + std::string(want) + ", not " +
                                 std::string(TypeName(node)));
  }

  Status String(const toml::table& t, std::string_view key, std::string& out) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (!n->is_string()) return WrongType(*n, key, "a string");
    out = n->as_string()->get();
    return {};
  }
  Status Bool(const toml::table& t, std::string_view key, bool& out) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (!n->is_boolean()) return WrongType(*n, key, "true or false");
    out = n->as_boolean()->get();
    return {};
  }
  // Integer or float; check() validates the range.
  template <class Check>
  Status Number(const toml::table& t, std::string_view key, double& out, Check check) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (n->is_integer()) {
      out = static_cast<double>(n->as_integer()->get());
    } else if (n->is_floating_point()) {
      out = n->as_floating_point()->get();
    } else {
      return WrongType(*n, key, "a number");
    }
    if (auto ok = check(out); !ok) return At(*n, key, ok.error());
    return {};
  }
  // A size: "512M" or a number of bytes.
  Status Size(const toml::table& t, std::string_view key, uint64_t& out) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (n->is_string()) {
      auto size = ParseSize(n->as_string()->get());
      if (!size) return At(*n, key, size.error());
      out = *size;
    } else if (n->is_integer() && n->as_integer()->get() >= 0) {
      out = static_cast<uint64_t>(n->as_integer()->get());
    } else {
      return WrongType(*n, key, "a size such as \"512M\" or a number of bytes");
    }
    return {};
  }
  Status StringArray(const toml::table& t, std::string_view key, std::vector<std::string>& out) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (!n->is_array()) return WrongType(*n, key, "an array of strings");
    out.clear();
    for (const toml::node& item : *n->as_array()) {
      if (!item.is_string()) return WrongType(item, key, "an array of strings");
      out.push_back(item.as_string()->get());
    }
    return {};
  }

  Status Top(const toml::table& t, SandboxConfig& c) const;
  Status Tables(const toml::table& t, SandboxConfig& c) const;
  Status Mounts(const toml::node& n, SandboxConfig& c) const;
  Status Networks(const toml::node& n, SandboxConfig& c) const;

 private:
  std::string source_;
};

Status Loader::Top(const toml::table& t, SandboxConfig& c) const {
  VSB_TRY(CheckKeys(t, kTopKeys, "the top level"));
  VSB_TRY(String(t, "uri", c.uri));
  if (const toml::node* n = t.get("uri"); n && !EngineForUri(c.uri)) {
    return At(n->source(), "unknown uri " + Quote(c.uri) +
                               " (use lxc:///, qemu:///session or qemu:///system)");
  }
  VSB_TRY(String(t, "name", c.name));
  VSB_TRY(StringArray(t, "command", c.command));
  VSB_TRY(Bool(t, "privileged", c.privileged));
  VSB_TRY(String(t, "switch_to", c.switch_to));
  VSB_TRY(String(t, "root", c.root));
  VSB_TRY(String(t, "hostname", c.hostname));
  VSB_TRY(String(t, "cwd", c.cwd));
  std::string tty;
  VSB_TRY(String(t, "tty", tty));
  if (!tty.empty()) {
    auto mode = ParseTtyMode(tty);
    if (!mode) return At(*t.get("tty"), "tty", mode.error());
    c.tty = *mode;
  }
  VSB_TRY(Number(t, "timeout", c.timeout_seconds, CheckTimeout));
  VSB_TRY(Bool(t, "verbose", c.verbose));
  VSB_TRY(Bool(t, "debug", c.debug));
  VSB_TRY(String(t, "seccomp", c.seccomp));
  VSB_TRY(StringArray(t, "expose", c.expose));
  if (const toml::node* n = t.get("pass_fds")) {
    if (!n->is_array()) return WrongType(*n, "pass_fds", "an array of integers");
    for (const toml::node& item : *n->as_array()) {
      if (!item.is_integer()) return WrongType(item, "pass_fds", "an array of integers");
      int64_t fd = item.as_integer()->get();
      if (auto ok = CheckPassFd(fd); !ok) return At(item, "pass_fds", ok.error());
      c.pass_fds.push_back(static_cast<int>(fd));
    }
  }
  return Tables(t, c);
}

Status Loader::Tables(const toml::table& t, SandboxConfig& c) const {
  if (const toml::node* n = t.get("env")) {
    if (!n->is_table()) return WrongType(*n, "env", "a table of KEY = \"value\"");
    for (auto&& [key, value] : *n->as_table()) {
      if (auto ok = CheckEnvName(key.str()); !ok) return At(key.source(), "env: " + ok.error().message());
      if (!value.is_string()) return WrongType(value, key.str(), "a string");
      std::string v = value.as_string()->get();
      if (v.find('\0') != std::string::npos) {
        return At(value.source(), "env: value of " + std::string(key.str()) + " contains a NUL byte");
      }
      c.env.emplace_back(std::string(key.str()), std::move(v));
    }
    NormalizeEnv(c.env);
  }
  if (const toml::node* n = t.get("mount")) VSB_TRY(Mounts(*n, c));
  if (const toml::node* n = t.get("network")) VSB_TRY(Networks(*n, c));
  if (const toml::node* n = t.get("include")) {
    if (!n->is_array_of_tables()) return WrongType(*n, "include", "an array of tables ([[include]])");
    for (const toml::node& item : *n->as_array()) {
      const toml::table& it = *item.as_table();
      VSB_TRY(CheckKeys(it, kIncludeKeys, "[[include]]"));
      Include inc;
      VSB_TRY(String(it, "guest", inc.guest_path));
      VSB_TRY(String(it, "host", inc.host_path));
      if (auto ok = CheckInclude(inc); !ok) return At(item, "include", ok.error());
      c.includes.push_back(std::move(inc));
    }
  }
  if (const toml::node* n = t.get("limits")) {
    if (!n->is_table()) return WrongType(*n, "limits", "a table ([limits])");
    const toml::table& lt = *n->as_table();
    VSB_TRY(CheckKeys(lt, kLimitKeys, "[limits]"));
    VSB_TRY(Size(lt, "memory", c.memory_bytes));
    if (const toml::node* m = lt.get("memory")) {
      if (auto ok = CheckMemory(c.memory_bytes); !ok) return At(*m, "memory", ok.error());
    }
    VSB_TRY(Number(lt, "cpus", c.cpus, CheckCpus));
    if (const toml::node* p = lt.get("pids")) {
      if (!p->is_integer()) return WrongType(*p, "pids", "an integer");
      int64_t pids = p->as_integer()->get();
      if (auto ok = CheckPids(pids < 0 ? 0 : pids); !ok) return At(*p, "pids", ok.error());
      c.pids = static_cast<uint64_t>(pids);
    }
  }
  if (const toml::node* n = t.get("vm")) {
    if (!n->is_table()) return WrongType(*n, "vm", "a table ([vm])");
    const toml::table& vt = *n->as_table();
    VSB_TRY(CheckKeys(vt, kVmKeys, "[vm]"));
    VSB_TRY(String(vt, "kernver", c.kernver));
    VSB_TRY(String(vt, "kernpath", c.kernpath));
    VSB_TRY(String(vt, "kmodpath", c.kmodpath));
    VSB_TRY(String(vt, "accel", c.accel));
    VSB_TRY(Bool(vt, "shell", c.debug_shell));
  }
  return {};
}

Status Loader::Mounts(const toml::node& n, SandboxConfig& c) const {
  if (!n.is_array_of_tables()) return WrongType(n, "mount", "an array of tables ([[mount]])");
  for (const toml::node& item : *n.as_array()) {
    const toml::table& mt = *item.as_table();
    VSB_TRY(CheckKeys(mt, kMountKeys, "[[mount]]"));
    Mount m;
    std::string type;
    VSB_TRY(String(mt, "type", type));
    if (type.empty()) return At(item.source(), "mount: missing type (host-bind, host-image, guest-bind or ram)");
    auto kind = ParseMountKind(type);
    if (!kind) return At(*mt.get("type"), "type", kind.error());
    m.kind = *kind;
    m.writable = m.kind != MountKind::kHostImage;
    VSB_TRY(String(mt, "target", m.target));
    VSB_TRY(String(mt, "source", m.source));
    VSB_TRY(Size(mt, "size", m.size_bytes));
    VSB_TRY(String(mt, "format", m.format));
    VSB_TRY(Bool(mt, "writable", m.writable));
    if (auto ok = CheckMount(m); !ok) return At(item, "mount " + Printable(m.target), ok.error());
    c.mounts.push_back(std::move(m));
  }
  return {};
}

// [[network]]: the keys of -N, one table per interface in order. Bare -N
// words become mode = "user" | "bridge" and dhcp = true; repeatable keys
// are arrays; filter_params holds the filter.KEY=VALUE items without their
// "filter." prefix, in order (["allow=out:tcp:any:443", "default=deny"]).
Status Loader::Networks(const toml::node& n, SandboxConfig& c) const {
  if (!n.is_array_of_tables()) return WrongType(n, "network", "an array of tables ([[network]])");
  for (const toml::node& item : *n.as_array()) {
    const toml::table& nt = *item.as_table();
    VSB_TRY(CheckKeys(nt, kNetworkKeys, "[[network]]"));
    Network net;
    VSB_TRY(String(nt, "bridge", net.bridge));
    std::string mode;
    VSB_TRY(String(nt, "mode", mode));
    if (mode.empty()) {
      net.mode = net.bridge.empty() ? Network::Mode::kUser : Network::Mode::kBridge;
    } else if (mode == "user" || mode == "bridge") {
      net.mode = mode == "user" ? Network::Mode::kUser : Network::Mode::kBridge;
    } else {
      return At(*nt.get("mode"), "mode", Error::Invalid("unknown network mode " + Quote(mode) + " (use user or bridge)"));
    }
    VSB_TRY(Bool(nt, "dhcp", net.dhcp));
    VSB_TRY(String(nt, "mac", net.mac));
    if (const toml::node* m = nt.get("mtu")) {
      if (!m->is_integer()) return WrongType(*m, "mtu", "an integer");
      int64_t mtu = m->as_integer()->get();
      if (mtu < 0 || mtu > 0xffffffffll) return At(*m, "mtu", Error::Invalid("MTU out of range (use 68..65535)"));
      net.mtu = static_cast<uint32_t>(mtu);
      if (auto ok = CheckMtu(net.mtu); !ok) return At(*m, "mtu", ok.error());
    }
    VSB_TRY(StringArray(nt, "address", net.addresses));
    VSB_TRY(StringArray(nt, "route", net.routes));
    VSB_TRY(StringArray(nt, "dns", net.dns));
    VSB_TRY(StringArray(nt, "publish", net.publish));
    VSB_TRY(String(nt, "filter", net.filter));
    std::vector<std::string> params;
    VSB_TRY(StringArray(nt, "filter_params", params));
    for (const std::string& p : params) {
      size_t eq = p.find('=');
      if (eq == std::string::npos || eq == 0) {
        return At(*nt.get("filter_params"), "filter_params",
                  Error::Invalid("item " + Quote(p) + " is not KEY=VALUE (e.g. \"allow=out:tcp:any:443\")"));
      }
      net.filter_params.emplace_back(p.substr(0, eq), p.substr(eq + 1));
    }
    if (auto ok = CheckNetwork(net); !ok) {
      return At(item, "network eth" + std::to_string(c.networks.size()), ok.error());
    }
    c.networks.push_back(std::move(net));
  }
  return {};
}

}  // namespace

Result<SandboxConfig> ParseToml(std::string_view text, std::string_view source_name) {
  VSB_ASSIGN_OR_RETURN(std::string ascii, AsciiTomlText(text, source_name));
  toml::table table;
  try {
    table = toml::parse(ascii, source_name);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return FailInvalid(Printable(source_name, 200) + ":" + std::to_string(begin.line) + ":" +
                       std::to_string(begin.column) + ": " + Printable(e.description(), 200) +
                       " (fix the TOML syntax)");
  }
  SandboxConfig config;
  VSB_TRY(Loader(source_name).Top(table, config));
  return config;
}

Result<SandboxConfig> LoadToml(const std::string& path) {
  VSB_ASSIGN_OR_RETURN(std::string text, ReadUserFile(path));
  return ParseToml(text, path);
}

}  // namespace vsb::config
