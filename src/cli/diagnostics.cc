#include "cli/diagnostics.h"

#include <cstdio>
#include <string>

namespace vsb::cli {
namespace {

// One line, whatever the message holds: control bytes (a newline from a
// library message, an escape sequence from a user's argument) are shown as
// \xNN, and the line is cut at 4 KiB.
void PrintLine(std::string_view prefix, std::string_view message) {
  constexpr size_t kMaxBytes = 4096;
  std::string line(prefix);
  for (unsigned char c : message.substr(0, kMaxBytes)) {
    if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      line += hex;
    } else {
      line += static_cast<char>(c);
    }
  }
  if (message.size() > kMaxBytes) line += "...";
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void PrintUsageError(std::string_view message) { PrintLine("virt-sandbox: error: ", message); }
void PrintRunError(std::string_view message) { PrintLine("virt-sandbox: ", message); }

}  // namespace vsb::cli
