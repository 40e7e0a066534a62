#include "config/path_checks.h"

#include <string>

#include "config/quote.h"

namespace vsb::config {

bool HasControlByte(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Status CheckSandboxPath(std::string_view path, std::string_view what, bool allow_root) {
  std::string name(what);
  if (path.empty()) return FailInvalid(name + " is empty (use an absolute path such as /data)");
  if (path.size() > kMaxPathBytes) {
    return FailInvalid(name + " " + Quote(path) + " is too long (at most " +
                       std::to_string(kMaxPathBytes) + " bytes)");
  }
  if (HasControlByte(path)) {
    return FailInvalid(name + " " + Quote(path) +
                       " contains a control character (remove it)");
  }
  if (path.front() != '/') {
    return FailInvalid(name + " " + Quote(path) + " is not absolute (write /" +
                       Printable(path) + ")");
  }
  if (path == "/") {
    if (allow_root) return {};
    return FailInvalid(name + " \"/\" would replace the whole root (use -r DIR to change the root)");
  }
  // Walk the components after the leading '/'.
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty()) {
      return FailInvalid(name + " " + Quote(path) +
                         " has an empty component (remove the extra or trailing /)");
    }
    if (part == "." || part == "..") {
      return FailInvalid(name + " " + Quote(path) + " has a \"" + std::string(part) +
                         "\" component (write the path without . or ..)");
    }
    if (part.size() > kMaxComponentBytes) {
      return FailInvalid(name + " " + Quote(path) + " has a component longer than " +
                         std::to_string(kMaxComponentBytes) + " bytes");
    }
    start = end + 1;
  }
  return {};
}

Status CheckHostPath(std::string_view path, std::string_view what) {
  std::string name(what);
  if (path.empty()) return FailInvalid(name + " is empty (name a host path)");
  if (path.size() > kMaxPathBytes) {
    return FailInvalid(name + " " + Quote(path) + " is too long (at most " +
                       std::to_string(kMaxPathBytes) + " bytes)");
  }
  if (path.find('\0') != std::string_view::npos || path.find('\n') != std::string_view::npos) {
    return FailInvalid(name + " " + Quote(path) +
                       " contains a NUL or newline (remove it)");
  }
  return {};
}

}  // namespace vsb::config
