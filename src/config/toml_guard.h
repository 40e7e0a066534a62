// Config text made safe for toml++ before it parses it.
//
// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable() - undefined
// behaviour in a release build - whenever a whitespace check meets a
// non-ASCII character outside its few handled ranges: `é = 1`, `a = 1 é`,
// and also a malformed bare value whose look-ahead (up to 127 characters)
// runs into a string holding non-ASCII text (found by fuzzing;
// is_non_ascii_horizontal_whitespace() has no case for most code points).
// So toml++ is only ever given ASCII:
//   - inside "basic" strings, each non-ASCII character becomes \uXXXX or
//     \UXXXXXXXX (same value after parsing);
//   - 'literal' strings become "basic" strings with \ and " escaped (same
//     value), then as above;
//   - non-ASCII bytes in comments become spaces;
//   - non-ASCII anywhere else is an error here (TOML 1.0 allows it nowhere
//     else), as is invalid UTF-8.
// Line numbers are kept; columns in toml++'s messages may shift on a line
// whose strings were rewritten.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace vsb::config {

Result<std::string> AsciiTomlText(std::string_view text, std::string_view source);

}  // namespace vsb::config
