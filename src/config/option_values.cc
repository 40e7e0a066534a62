// Scalar option values: -e, -i, --timeout, --cpus, --pids, --memory,
// --pass-fd, tty.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string>

#include "config/option_parsers.h"
#include "config/path_checks.h"
#include "config/quote.h"

namespace vsb::config {
namespace {

constexpr std::string_view kPassFdRange = " (use 3 to 999; 0, 1 and 2 are always passed)";

// A plain decimal number: digits with at most one '.', no sign, no exponent,
// no "inf"/"nan" (from_chars would accept those).
Result<double> ParseDecimal(std::string_view text, std::string_view hint) {
  bool ok = !text.empty() && text.front() != '.' && text.back() != '.';
  int dots = 0;
  for (char c : text) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      ok = false;
    }
  }
  double value = 0;
  if (ok && dots <= 1) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(value)) {
      return value;
    }
  }
  return FailInvalid("invalid number " + Quote(text) + " (" + std::string(hint) + ")");
}

Result<uint64_t> ParseCount(std::string_view text, std::string_view hint) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return FailInvalid("invalid number " + Quote(text) + " (" + std::string(hint) + ")");
  }
  return value;
}

std::string Number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

}  // namespace

Status CheckEnvName(std::string_view key) {
  bool ok = !key.empty() && !(key.front() >= '0' && key.front() <= '9');
  for (char c : key) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      ok = false;
    }
  }
  if (!ok) {
    return FailInvalid("invalid variable name " + Quote(key) +
                       " (use letters, digits and _, not starting with a digit)");
  }
  return {};
}

Result<std::pair<std::string, std::string>> ParseEnv(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return FailInvalid("expected KEY=VALUE, got " + Quote(text) + " (e.g. -e LANG=C)");
  }
  std::string_view key = text.substr(0, eq);
  std::string_view value = text.substr(eq + 1);
  VSB_TRY(CheckEnvName(key));
  if (value.find('\0') != std::string_view::npos) {
    return FailInvalid("value of " + std::string(key) + " contains a NUL byte (remove it)");
  }
  return std::pair{std::string(key), std::string(value)};
}

void NormalizeEnv(std::vector<std::pair<std::string, std::string>>& env) {
  std::map<std::string, std::string> last;
  for (auto& [k, v] : env) last[k] = v;
  env.assign(last.begin(), last.end());
}

Result<Include> ParseInclude(std::string_view text) {
  Include include;
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    include.guest_path = include.host_path = std::string(text);
  } else {
    include.guest_path = std::string(text.substr(0, eq));
    include.host_path = std::string(text.substr(eq + 1));
  }
  VSB_TRY(CheckInclude(include));
  return include;
}

Status CheckInclude(const Include& include) {
  VSB_TRY(CheckSandboxPath(include.guest_path, "guest path", false));
  VSB_TRY(CheckHostPath(include.host_path, "host path"));
  return {};
}

Status CheckTimeout(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > kMaxTimeoutSeconds) {
    return FailInvalid("timeout " + Number(seconds) + " is out of range (use seconds above 0, at most " +
                       Number(kMaxTimeoutSeconds) + ")");
  }
  return {};
}

Result<double> ParseTimeout(std::string_view text) {
  VSB_ASSIGN_OR_RETURN(double seconds, ParseDecimal(text, "use seconds, e.g. 30 or 1.5"));
  VSB_TRY(CheckTimeout(seconds));
  return seconds;
}

Status CheckCpus(double cpus) {
  if (!std::isfinite(cpus) || cpus <= 0 || cpus > kMaxCpus) {
    return FailInvalid("cpus " + Number(cpus) + " is out of range (use a number above 0, e.g. 0.5 or 2)");
  }
  return {};
}

Result<double> ParseCpus(std::string_view text) {
  VSB_ASSIGN_OR_RETURN(double cpus, ParseDecimal(text, "use a number of CPUs, e.g. 0.5 or 2"));
  VSB_TRY(CheckCpus(cpus));
  return cpus;
}

Status CheckPids(uint64_t pids) {
  if (pids == 0 || pids > kMaxPids) {
    return FailInvalid("pids " + std::to_string(pids) + " is out of range (use 1 to " +
                       std::to_string(kMaxPids) + ")");
  }
  return {};
}

Result<uint64_t> ParsePids(std::string_view text) {
  VSB_ASSIGN_OR_RETURN(uint64_t pids, ParseCount(text, "use a whole number of processes, e.g. 100"));
  VSB_TRY(CheckPids(pids));
  return pids;
}

Status CheckMemory(uint64_t bytes) {
  if (bytes < kMinMemoryBytes) {
    return FailInvalid("memory " + FormatSize(bytes) + " is too small (use at least 4M)");
  }
  return {};
}

Result<uint64_t> ParseMemory(std::string_view text) {
  VSB_ASSIGN_OR_RETURN(uint64_t bytes, ParseSize(text));
  VSB_TRY(CheckMemory(bytes));
  return bytes;
}

Status CheckPassFd(long long fd) {
  if (fd < 3 || fd >= 1000) {
    return FailInvalid("file descriptor " + std::to_string(fd) + " is out of range" +
                       std::string(kPassFdRange));
  }
  return {};
}

Result<int> ParsePassFd(std::string_view text) {
  VSB_ASSIGN_OR_RETURN(uint64_t fd, ParseCount(text, "use a file descriptor number from 3 to 999"));
  if (fd >= 1000) {
    return FailInvalid("file descriptor " + Printable(text) + " is out of range" +
                       std::string(kPassFdRange));
  }
  VSB_TRY(CheckPassFd(static_cast<long long>(fd)));
  return static_cast<int>(fd);
}

Result<TtyMode> ParseTtyMode(std::string_view text) {
  if (text == "auto") return TtyMode::kAuto;
  if (text == "always") return TtyMode::kAlways;
  if (text == "never") return TtyMode::kNever;
  return FailInvalid("invalid tty mode " + Quote(text) + " (use auto, always or never)");
}

std::string_view TtyModeName(TtyMode mode) {
  switch (mode) {
    case TtyMode::kAuto:
      return "auto";
    case TtyMode::kAlways:
      return "always";
    case TtyMode::kNever:
      return "never";
  }
  return "auto";
}

}  // namespace vsb::config
