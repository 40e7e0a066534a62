#include "host/seccomp_program.h"

#include "host/seccomp_unknown_guard.h"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/unique_fd.h"

namespace vsb::host {
namespace {

// Names a profile may use instead of numbers, so rules read as the man pages.
struct NamedValue {
  std::string_view name;
  uint64_t value;
};
constexpr NamedValue kConstants[] = {
    {"CLONE_NEWNS", 0x00020000},     {"CLONE_NEWCGROUP", 0x02000000},
    {"CLONE_NEWUTS", 0x04000000},    {"CLONE_NEWIPC", 0x08000000},
    {"CLONE_NEWUSER", 0x10000000},   {"CLONE_NEWPID", 0x20000000},
    {"CLONE_NEWNET", 0x40000000},    {"CLONE_NEWTIME", 0x00000080},
    {"AF_UNSPEC", AF_UNSPEC},        {"AF_UNIX", AF_UNIX},
    {"AF_INET", AF_INET},            {"AF_INET6", AF_INET6},
    {"AF_NETLINK", AF_NETLINK},      {"AF_PACKET", AF_PACKET},
    {"AF_VSOCK", 40},                {"SOCK_TYPE_MASK", 0xf},
    {"SOCK_RAW", SOCK_RAW},          {"SOCK_PACKET", SOCK_PACKET},
    {"TIOCSTI", TIOCSTI},            {"TIOCLINUX", TIOCLINUX},
    {"TIOCSETD", TIOCSETD},          {"PERSONALITY_QUERY", 0xffffffff},
    {"LOW32", 0xffffffff},
};

struct NamedErrno {
  std::string_view name;
  int value;
};
constexpr NamedErrno kErrnos[] = {
    {"EPERM", EPERM},   {"ENOSYS", ENOSYS},           {"EACCES", EACCES},
    {"EINVAL", EINVAL}, {"EAFNOSUPPORT", EAFNOSUPPORT}, {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOTTY", ENOTTY}, {"EIO", EIO},                 {"ECONNREFUSED", ECONNREFUSED},
};

struct Rule {
  uint32_t action;
  int syscall;
  std::vector<scmp_arg_cmp> conds;
  int line;
};

struct Policy {
  std::optional<uint32_t> default_action;
  uint32_t badarch_action = SCMP_ACT_KILL_PROCESS;
  std::vector<uint32_t> arches;
  std::vector<Rule> rules;
};

std::optional<uint64_t> ParseNumber(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  } else if (s.size() > 1 && s[0] == '0') {
    s.remove_prefix(1);  // 0170000: octal, as mode bits are written
    base = 8;
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "TIOCSTI", "0x5412" or "CLONE_NEWUSER|CLONE_NEWNET".
std::optional<uint64_t> ParseValue(std::string_view s) {
  uint64_t result = 0;
  while (true) {
    size_t bar = s.find('|');
    std::string_view part = s.substr(0, bar);
    std::optional<uint64_t> v = ParseNumber(part);
    for (const NamedValue& c : kConstants)
      if (!v && c.name == part) v = c.value;
    if (!v) return std::nullopt;
    result |= *v;
    if (bar == std::string_view::npos) return result;
    s.remove_prefix(bar + 1);
  }
}

std::optional<uint32_t> ParseAction(std::string_view s) {
  if (s == "allow") return SCMP_ACT_ALLOW;
  if (s == "kill") return SCMP_ACT_KILL_PROCESS;
  if (s == "log") return SCMP_ACT_LOG;
  if (s.starts_with("errno:")) {
    std::optional<uint64_t> n = ParseNumber(s.substr(6));
    if (!n || *n == 0 || *n > 4095) return std::nullopt;
    return SCMP_ACT_ERRNO(static_cast<uint16_t>(*n));
  }
  for (const NamedErrno& e : kErrnos)
    if (e.name == s) return SCMP_ACT_ERRNO(static_cast<uint16_t>(e.value));
  return std::nullopt;
}

// "arg1&0xffffffff==TIOCSTI", "arg0>16", "arg0==AF_INET".
std::optional<scmp_arg_cmp> ParseCondition(std::string_view s) {
  if (s.size() < 6 || !s.starts_with("arg") || s[3] < '0' || s[3] > '5') return std::nullopt;
  scmp_arg_cmp cmp{};
  cmp.arg = static_cast<unsigned>(s[3] - '0');
  s.remove_prefix(4);
  std::optional<uint64_t> mask;
  if (s.starts_with("&")) {
    size_t op = s.find_first_of("=!<>");
    if (op == std::string_view::npos) return std::nullopt;
    mask = ParseValue(s.substr(1, op - 1));
    if (!mask) return std::nullopt;
    s.remove_prefix(op);
  }
  struct Op {
    std::string_view text;
    scmp_compare op;
  };
  constexpr Op kOps[] = {{"==", SCMP_CMP_EQ}, {"!=", SCMP_CMP_NE}, {"<=", SCMP_CMP_LE},
                         {">=", SCMP_CMP_GE}, {"<", SCMP_CMP_LT},  {">", SCMP_CMP_GT}};
  for (const Op& op : kOps) {
    if (!s.starts_with(op.text)) continue;
    std::optional<uint64_t> value = ParseValue(s.substr(op.text.size()));
    if (!value) return std::nullopt;
    if (mask) {
      if (op.op != SCMP_CMP_EQ) return std::nullopt;  // only masked equality exists
      cmp.op = SCMP_CMP_MASKED_EQ;
      cmp.datum_a = *mask;
      cmp.datum_b = *value;
    } else {
      cmp.op = op.op;
      cmp.datum_a = *value;
    }
    return cmp;
  }
  return std::nullopt;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

Result<Policy> Parse(std::string_view text, std::string_view name) {
  Policy policy;
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    line = line.substr(0, line.find('#'));
    std::vector<std::string_view> w = Words(line);
    if (w.empty()) continue;
    auto fail = [&](std::string why) {
      return FailInvalid("seccomp profile " + std::string(name) + " line " +
                         std::to_string(line_no) + ": " + why);
    };
    if (w[0] == "default" || w[0] == "badarch") {
      std::optional<uint32_t> a = w.size() == 2 ? ParseAction(w[1]) : std::nullopt;
      if (!a) return fail("expected '" + std::string(w[0]) + " ACTION' (allow, kill, log, EPERM, ...)");
      if (w[0] == "default")
        policy.default_action = *a;
      else
        policy.badarch_action = *a;
      continue;
    }
    if (w[0] == "arch") {
      uint32_t arch = w.size() == 2 ? seccomp_arch_resolve_name(std::string(w[1]).c_str()) : 0;
      if (arch == 0) return fail("expected 'arch NAME' with a libseccomp arch name (x86, x32)");
      policy.arches.push_back(arch);
      continue;
    }
    std::optional<uint32_t> action = ParseAction(w[0]);
    if (!action) return fail("unknown action '" + std::string(w[0]) + "'");
    if (w.size() < 2) return fail("missing syscall name after the action");
    int nr = seccomp_syscall_resolve_name(std::string(w[1]).c_str());
    if (nr == __NR_SCMP_ERROR) return fail("unknown syscall '" + std::string(w[1]) + "'");
    Rule rule{*action, nr, {}, line_no};
    for (size_t i = 2; i < w.size(); ++i) {
      std::optional<scmp_arg_cmp> c = ParseCondition(w[i]);
      if (!c) return fail("bad condition '" + std::string(w[i]) + "' (want argN==VALUE, argN&MASK==VALUE, argN>VALUE, ...)");
      rule.conds.push_back(*c);
    }
    policy.rules.push_back(std::move(rule));
  }
  if (!policy.default_action)
    return FailInvalid("seccomp profile " + std::string(name) + ": no 'default ACTION' line");
  return policy;
}

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

Result<Ctx> Build(std::string_view text, std::string_view name) {
  VSB_ASSIGN_OR_RETURN(Policy policy, Parse(text, name));
  std::string where = "seccomp profile " + std::string(name);
  Ctx ctx(seccomp_init(*policy.default_action));
  if (!ctx) return FailInvalid(where + ": libseccomp refused the default action");
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, policy.badarch_action); rc < 0)
    return FailErrno(-rc, where + ": set badarch action");
  // A binary search over syscall numbers instead of a linear chain: an
  // allowed call (most of them) walks ~log2(rules) jumps, not every rule.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0)
    return FailErrno(-rc, where + ": enable binary-tree optimisation");
  for (uint32_t arch : policy.arches) {
    int rc = seccomp_arch_add(ctx.get(), arch);
    if (rc < 0 && rc != -EEXIST) return FailErrno(-rc, where + ": add arch");
  }
  for (const Rule& r : policy.rules) {
    int rc = seccomp_rule_add_array(ctx.get(), r.action, r.syscall,
                                    static_cast<unsigned>(r.conds.size()), r.conds.data());
    if (rc < 0)
      return FailErrno(-rc, where + " line " + std::to_string(r.line) +
                                ": libseccomp rejected the rule (an action equal to the "
                                "default, or one argument compared twice?)");
  }
  return ctx;
}

// libseccomp 2.5 exports only to a file descriptor: go through a memfd.
Result<std::string> Export(void* ctx, bool pfc, std::string_view name) {
  UniqueFd fd(memfd_create("vsb-seccomp", MFD_CLOEXEC));
  if (!fd) return FailErrno(errno, "memfd_create for seccomp export");
  int rc = pfc ? seccomp_export_pfc(ctx, fd.get()) : seccomp_export_bpf(ctx, fd.get());
  if (rc < 0) return FailErrno(-rc, "export seccomp profile " + std::string(name));
  std::string out;
  char buf[8192];
  for (off_t off = 0;;) {
    ssize_t n = pread(fd.get(), buf, sizeof buf, off);
    if (n < 0) return FailErrno(errno, "read exported seccomp profile");
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    off += n;
  }
  return out;
}

Result<std::string> ReadSmallFile(const std::string& path, size_t max, std::string_view what) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return FailErrno(errno, std::string(what) + ": open " + path);
  std::string out;
  char buf[8192];
  while (true) {
    ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno(errno, std::string(what) + ": read " + path);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max)
      return FailInvalid(std::string(what) + ": " + path + " is larger than " +
                         std::to_string(max) + " bytes; is it the right file?");
  }
}

bool IsProfileName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

Result<std::string> CompileSeccompPolicy(std::string_view text, std::string_view name) {
  VSB_ASSIGN_OR_RETURN(Ctx ctx, Build(text, name));
  VSB_ASSIGN_OR_RETURN(std::string bpf, Export(ctx.get(), false, name));
  bpf = PrependUnknownSyscallGuard(bpf, HighestKnownSyscall());
  VSB_TRY(ValidateSeccompBpf(bpf, name));
  return bpf;
}

Result<std::string> DescribeSeccompPolicy(std::string_view text, std::string_view name) {
  VSB_ASSIGN_OR_RETURN(Ctx ctx, Build(text, name));
  return Export(ctx.get(), true, name);
}

Status ValidateSeccompBpf(std::string_view bpf, std::string_view name) {
  std::string where = "seccomp program " + std::string(name);
  if (bpf.empty()) return FailInvalid(where + " is empty; use --seccomp=unconfined to run without a filter");
  if (bpf.size() % kSeccompInstructionSize != 0)
    return FailInvalid(where + " is " + std::to_string(bpf.size()) +
                       " bytes, not a whole number of 8-byte BPF instructions; "
                       "pass raw output of seccomp_export_bpf (or a .policy file)");
  if (bpf.size() / kSeccompInstructionSize > kMaxSeccompInstructions)
    return FailInvalid(where + " has " + std::to_string(bpf.size() / kSeccompInstructionSize) +
                       " instructions, more than the kernel's limit of 4096; shorten the profile");
  return {};
}

Result<std::string> LoadSeccompProgram(std::string_view profile, bool privileged,
                                       const std::string& exe_dir) {
  if (profile == "unconfined") return std::string();
  if (IsProfileName(profile)) {
    std::string file = profile == "default" ? (privileged ? "privileged.bpf" : "default.bpf")
                                            : std::string(profile) + ".bpf";
    const std::string dirs[] = {exe_dir + "/seccomp/",
                                exe_dir + "/../libexec/virt-sandbox/seccomp/"};
    for (const std::string& dir : dirs) {
      if (access((dir + file).c_str(), F_OK) != 0) continue;
      VSB_ASSIGN_OR_RETURN(std::string bpf,
                           ReadSmallFile(dir + file, kMaxSeccompInstructions * 8,
                                         "seccomp profile " + std::string(profile)));
      VSB_TRY(ValidateSeccompBpf(bpf, dir + file));
      return bpf;
    }
    return Fail(Error(ErrorCode::kNotFound,
                      "seccomp profile '" + std::string(profile) + "': " + file +
                          " is in neither " + dirs[0] + " nor " + dirs[1] +
                          "; build the seccomp_profiles target or reinstall virt-sandbox, "
                          "or pass a .policy/.bpf file"));
  }
  std::string path(profile);
  std::string what = "seccomp profile " + path;
  if (path.ends_with(".bpf")) {
    VSB_ASSIGN_OR_RETURN(std::string bpf, ReadSmallFile(path, kMaxSeccompInstructions * 8 + 1, what));
    VSB_TRY(ValidateSeccompBpf(bpf, path));
    return bpf;
  }
  // A policy text compiled now: a few ms. Not cached on purpose: the build
  // compiles the shipped profiles, and a user's file is read fresh each run
  // so an edit can never be shadowed by a stale cache entry.
  VSB_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, 1 << 20, what));
  return CompileSeccompPolicy(text, path);
}

}  // namespace vsb::host
