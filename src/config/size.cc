// Sizes: "512M", "1GiB", "4096".
#include <charconv>
#include <string>

#include "config/option_parsers.h"
#include "config/quote.h"

namespace vsb::config {
namespace {

constexpr std::string_view kSizeHint = " (use a number with K, M or G, e.g. 512M)";

struct Suffix {
  std::string_view text;
  int shift;
};
// Longest first so "KiB" is not read as "K" + "iB".
constexpr Suffix kSuffixes[] = {
    {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"K", 10}, {"M", 20}, {"G", 30},
};

}  // namespace

Result<uint64_t> ParseSize(std::string_view text) {
  auto invalid = [&] { return FailInvalid("invalid size " + Quote(text) + std::string(kSizeHint)); };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return invalid();
  std::string_view suffix = text.substr(digits);
  int shift = -1;
  if (suffix.empty()) {
    shift = 0;
  } else {
    for (const Suffix& s : kSuffixes) {
      if (suffix == s.text) {
        shift = s.shift;
        break;
      }
    }
  }
  if (shift < 0) return invalid();
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  if (ec != std::errc() || end != text.data() + digits || number > (UINT64_MAX >> shift)) {
    return FailInvalid("size " + Quote(text) + " is too large (it must fit in 64 bits of bytes)");
  }
  return number << shift;
}

std::string FormatSize(uint64_t bytes) {
  if (bytes != 0) {
    if (bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + "G";
    if (bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + "M";
    if (bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + "K";
  }
  return std::to_string(bytes);
}

}  // namespace vsb::config
