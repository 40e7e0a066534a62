#include "config/toml_guard.h"

#include <cstdio>

#include "config/quote.h"

namespace vsb::config {
namespace {

// The code point of the UTF-8 sequence at s[i], its length in *len; -1 when
// the bytes are not valid UTF-8 (overlong, surrogate, above U+10FFFF, cut).
long DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  unsigned char c = s[i];
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || c >= 0xF8 || i + n > s.size()) return -1;
  long cp = c & (0x3F >> (n - 1));
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr long kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *len = n;
  return cp;
}

class Rewriter {
 public:
  Rewriter(std::string_view text, std::string_view source) : t_(text), source_(source) {}

  Result<std::string> Run() {
    if (t_.starts_with("\xEF\xBB\xBF")) i_ = 3;  // a byte order mark is allowed
    while (i_ < t_.size()) {
      unsigned char c = t_[i_];
      if (c >= 0x80) return Error("non-ASCII character outside a string or comment (quote it)");
      if (c == '#') {
        Comment();
      } else if (t_.substr(i_, 3) == "\"\"\"" || t_.substr(i_, 3) == "'''") {
        VSB_TRY(String(t_[i_], true));
      } else if (c == '"' || c == '\'') {
        VSB_TRY(String(static_cast<char>(c), false));
      } else {
        Copy();
      }
    }
    return std::move(out_);
  }

 private:
  std::unexpected<vsb::Error> Error(const std::string& what) const {
    size_t line = 1;
    for (size_t k = 0; k < i_; ++k) line += t_[k] == '\n';
    return FailInvalid(Printable(source_, 200) + ":" + std::to_string(line) + ": " + what);
  }
  void Copy() { out_ += t_[i_++]; }
  void Comment() {
    while (i_ < t_.size() && t_[i_] != '\n') {
      out_ += static_cast<unsigned char>(t_[i_]) >= 0x80 ? ' ' : t_[i_];
      ++i_;
    }
  }
  // Non-ASCII character at i_ as a TOML escape.
  Status Escape() {
    size_t len = 0;
    long cp = DecodeUtf8(t_, i_, &len);
    if (cp < 0) return Error("invalid UTF-8 in a string (config files are UTF-8)");
    char buf[16];
    std::snprintf(buf, sizeof buf, cp > 0xFFFF ? "\\U%08lX" : "\\u%04lX", cp);
    out_ += buf;
    i_ += len;
    return {};
  }
  // A string starting at i_; quote is its delimiter character. Ends at the
  // closing delimiter or, for a single-line string, at a newline (toml++ then
  // reports the unterminated string).
  Status String(char quote, bool multiline) {
    const bool literal = quote == '\'';
    const std::string delim(multiline ? 3 : 1, quote);
    const std::string out_delim(multiline ? 3 : 1, '"');
    out_ += out_delim;
    i_ += delim.size();
    while (i_ < t_.size()) {
      unsigned char c = t_[i_];
      if (!multiline && c == '\n') return {};
      if (t_.substr(i_, delim.size()) == delim) {
        i_ += delim.size();
        // Up to two quotes touching a closing """ or ''' are content.
        for (int extra = 0; multiline && extra < 2 && i_ < t_.size() && t_[i_] == quote; ++extra) {
          out_ += literal ? "'" : "\\\"";
          ++i_;
        }
        out_ += out_delim;
        return {};
      }
      if (c >= 0x80) {
        VSB_TRY(Escape());
      } else if (literal && (c == '\\' || c == '"')) {
        out_ += '\\';
        Copy();
      } else if (!literal && c == '\\') {
        Copy();
        if (i_ < t_.size() && static_cast<unsigned char>(t_[i_]) >= 0x80) {
          return Error("invalid escape sequence in a string");
        }
        if (i_ < t_.size()) Copy();
      } else {
        Copy();
      }
    }
    return {};
  }

  std::string_view t_;
  std::string_view source_;
  size_t i_ = 0;
  std::string out_;
};

}  // namespace

Result<std::string> AsciiTomlText(std::string_view text, std::string_view source) {
  return Rewriter(text, source).Run();
}

}  // namespace vsb::config
