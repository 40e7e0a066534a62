// libFuzzer target: the command-line option value parsers
// (config/option_parsers.h). The first byte picks the parser, the rest is
// the text the user typed. Each must return a value or an Error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/option_parsers.h"
#include "config/toml_config.h"

using namespace vsb::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 12) {
    case 0:
      if (auto v = ParseSize(text)) {
        // FormatSize must read back exactly.
        auto back = ParseSize(FormatSize(*v));
        if (!back || *back != *v) __builtin_trap();
      }
      break;
    case 1:
      if (auto m = ParseMount(text)) (void)CheckMount(*m);
      break;
    case 2:
      (void)ParseEnv(text);
      break;
    case 3:
      if (auto i = ParseInclude(text)) (void)CheckInclude(*i);
      break;
    case 4:
      (void)ParseTimeout(text);
      break;
    case 5:
      (void)ParseCpus(text);
      break;
    case 6:
      (void)ParsePids(text);
      break;
    case 7:
      (void)ParseMemory(text);
      break;
    case 8:
      (void)ParsePassFd(text);
      break;
    case 9:
      (void)ParseTtyMode(text);
      break;
    case 10:
      (void)ParseMountKind(text);
      break;
    default:
      // -N: an accepted spec passes CheckNetwork and survives the config
      // file round trip unchanged.
      if (auto n = ParseNetwork(text)) {
        if (!CheckNetwork(*n)) __builtin_trap();
        vsb::SandboxConfig c;
        c.networks = {*n};
        auto back = ParseToml(ToToml(c), "fuzz.toml");
        if (!back || back->networks != c.networks) __builtin_trap();
      }
      break;
  }
  return 0;
}
