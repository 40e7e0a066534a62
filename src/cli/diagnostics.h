// The CLI's only way to talk about itself on stderr: exactly one line.
#pragma once

#include <string_view>

namespace vsb::cli {

// The exit status of a sandbox that could not be set up, and of bad options.
inline constexpr int kSetupFailed = 125;

// Writes "virt-sandbox: error: <message>\n" to stderr.
void PrintUsageError(std::string_view message);
// Writes "virt-sandbox: <message>\n" to stderr (a failed run).
void PrintRunError(std::string_view message);

}  // namespace vsb::cli
