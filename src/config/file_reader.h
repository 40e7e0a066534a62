// Reading a file the user named (--config, -I): the only I/O of src/config.
#pragma once

#include <string>

#include "base/result.h"

namespace vsb::config {

// The whole file, refusing anything larger than max_bytes so a mistaken
// `--config /dev/zero` fails fast instead of eating memory.
inline constexpr size_t kMaxConfigFileBytes = 4u << 20;
Result<std::string> ReadUserFile(const std::string& path, size_t max_bytes = kMaxConfigFileBytes);

}  // namespace vsb::config
