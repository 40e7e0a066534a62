#include "config/quote.h"

#include <cstdio>

namespace vsb::config {

std::string Printable(std::string_view value, size_t max_chars) {
  std::string out;
  size_t shown = 0;
  for (unsigned char c : value) {
    if (shown >= max_chars) break;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
    ++shown;
  }
  if (value.size() > max_chars) {
    out += "...";
  }
  return out;
}

std::string Quote(std::string_view value, size_t max_chars) {
  std::string out = "\"" + Printable(value, max_chars) + "\"";
  if (value.size() > max_chars) out += " (" + std::to_string(value.size()) + " bytes)";
  return out;
}

}  // namespace vsb::config
