// Parsers for the values of command-line options and config-file fields.
//
// Each parser takes the text the user typed and returns the typed value or an
// Error whose message names the bad part and how to fix it, e.g.
//   ParseMount("ram:/tmp=5X")
//     -> `invalid size "5X" (use a number with K, M or G)`
// The caller adds which option it came from ("-m ram:/tmp=5X: ..."). Pure
// functions except ParseIncludeFile, which reads the file the user named.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "virt-sandbox/config.h"

namespace vsb::config {

// "512M" -> 536870912. Suffixes K/KiB, M/MiB, G/GiB are powers of 1024; no
// suffix means bytes. Overflow and empty/negative/fractional input are errors.
Result<uint64_t> ParseSize(std::string_view text);
// The shortest exact spelling ParseSize reads back: "512M", "1G", "1000".
std::string FormatSize(uint64_t bytes);

// -m TYPE:DST=SRC, see docs/virt-sandbox.1.md (MOUNTS).
Result<Mount> ParseMount(std::string_view spec);
// The mount kind's spelling ("host-bind", ...) and back.
std::string_view MountKindName(MountKind kind);
Result<MountKind> ParseMountKind(std::string_view name);
// Checks a Mount however it was built (from -m or a [[mount]] table).
Status CheckMount(const Mount& mount);

// -e KEY=VALUE; KEY matches [A-Za-z_][A-Za-z0-9_]*, VALUE may be empty.
Result<std::pair<std::string, std::string>> ParseEnv(std::string_view text);
Status CheckEnvName(std::string_view key);
// Later entries replace earlier ones with the same key; result sorted by key.
// Applied wherever entries are merged, so a config file and the same options
// on the command line compare equal.
void NormalizeEnv(std::vector<std::pair<std::string, std::string>>& env);

// -i GUEST=HOST, or -i PATH meaning PATH=PATH.
Result<Include> ParseInclude(std::string_view text);
Status CheckInclude(const Include& include);
// -I FILE: one include per line; blank lines and lines starting with # are
// skipped. Errors carry FILE:LINE.
Result<std::vector<Include>> ParseIncludeFile(const std::string& path);

// --timeout SECONDS: positive, finite, at most kMaxTimeoutSeconds.
inline constexpr double kMaxTimeoutSeconds = 1e9;
Result<double> ParseTimeout(std::string_view text);
Status CheckTimeout(double seconds);
// --cpus N: positive, finite, fractional allowed, at most kMaxCpus.
inline constexpr double kMaxCpus = 4096;
Result<double> ParseCpus(std::string_view text);
Status CheckCpus(double cpus);
// --pids N: positive integer, at most kMaxPids (the kernel's PID_MAX_LIMIT).
inline constexpr uint64_t kMaxPids = 4194304;
Result<uint64_t> ParsePids(std::string_view text);
Status CheckPids(uint64_t pids);
// --memory SIZE: a size as ParseSize, at least kMinMemoryBytes.
inline constexpr uint64_t kMinMemoryBytes = 4ull << 20;
Result<uint64_t> ParseMemory(std::string_view text);
Status CheckMemory(uint64_t bytes);
// --pass-fd N: 3 <= N < 1000 (0-2 are always passed).
Result<int> ParsePassFd(std::string_view text);
Status CheckPassFd(long long fd);
// -N KEY=VALUE,... : one network interface, see docs/virt-sandbox.1.md
// (-N/--network) and config/network_values.h for each value's form. Bare
// words: user, dhcp. Keys: bridge= (or source=), mac=, mtu=, address=,
// route=, dns=, publish=, filter=, filter.allow=, filter.deny=,
// filter.default=. Errors name the bad item.
Result<Network> ParseNetwork(std::string_view spec);
// Checks a Network however it was built (from -N or a [[network]] table):
// every value, and the contradictions (dhcp with address=, publish= on a
// bridge, user with bridge=, filter.* without filter=).
Status CheckNetwork(const Network& network);
std::string_view NetworkModeName(Network::Mode mode);

// tty = "auto" | "always" | "never".
Result<TtyMode> ParseTtyMode(std::string_view text);
std::string_view TtyModeName(TtyMode mode);

}  // namespace vsb::config
