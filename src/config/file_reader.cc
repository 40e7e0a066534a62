#include "config/file_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "config/quote.h"

namespace vsb::config {

Result<std::string> ReadUserFile(const std::string& path, size_t max_bytes) {
  auto fail = [&](int err) {
    return FailErrno(err, "cannot read " + Quote(path));
  };
  if (path.empty()) return FailInvalid("file name is empty");
  if (path.find('\0') != std::string::npos) return FailInvalid("file name " + Quote(path) + " contains a NUL byte");
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rbe"), &std::fclose);
  if (!file) return fail(errno);
  std::string data;
  char buf[65536];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, file.get());
    data.append(buf, n);
    if (data.size() > max_bytes) {
      return FailInvalid(Quote(path) + " is larger than " + std::to_string(max_bytes >> 20) +
                         " MiB (is it the right file?)");
    }
    if (n < sizeof buf) break;
  }
  if (std::ferror(file.get())) return fail(errno ? errno : EIO);
  return data;
}

}  // namespace vsb::config
