// Quote: shows a user-supplied value inside a one-line error message.
//
// Option values can be huge (a 100 KiB argument) or hold control bytes (an
// escape sequence meant to rewrite the user's terminal). Every value an error
// message repeats goes through Quote, so a message is always one short line of
// printable ASCII that still names the bad part.
#pragma once

#include <string>
#include <string_view>

namespace vsb::config {

// `"value"` with bytes outside printable ASCII written as \xNN, quotes and
// backslashes escaped, and values longer than max_chars cut with
// `..." (N bytes)`.
std::string Quote(std::string_view value, size_t max_chars = 80);

// Quote without the surrounding quotes, for values that are never empty.
std::string Printable(std::string_view value, size_t max_chars = 80);

}  // namespace vsb::config
