// -I FILE: include lines, one GUEST=HOST (or PATH) per line.
#include <string>

#include "config/file_reader.h"
#include "config/option_parsers.h"
#include "config/quote.h"

namespace vsb::config {

Result<std::vector<Include>> ParseIncludeFile(const std::string& path) {
  VSB_ASSIGN_OR_RETURN(std::string text, ReadUserFile(path));
  std::vector<Include> includes;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    // Trim surrounding blanks (and a CR from files written on Windows).
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') continue;
    auto include = ParseInclude(line);
    if (!include) {
      return Fail(include.error().WithContext(Printable(path, 200) + ":" + std::to_string(line_no)));
    }
    includes.push_back(std::move(*include));
  }
  return includes;
}

}  // namespace vsb::config
