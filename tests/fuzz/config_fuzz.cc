// libFuzzer target: the TOML config loader (config::ParseToml, the text part
// of config::LoadToml). A config file is user input: every malformed file
// must give an Error, never a crash. A config that loads must survive
// ToToml → ParseToml unchanged when it is valid UTF-8 (ToToml's contract).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/toml_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto config = vsb::config::ParseToml(in, "fuzz.toml");
  if (!config) {
    if (config.error().message().empty()) __builtin_trap();  // errors say why
    return 0;
  }
  std::string text = vsb::config::ToToml(*config);
  auto again = vsb::config::ParseToml(text, "roundtrip.toml");
  if (!again || !(*again == *config)) __builtin_trap();
  return 0;
}
