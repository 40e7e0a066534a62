// QcowExport: a qcow2 image shown as a raw file, so the container engine can
// loop-mount it like a raw image. qemu-storage-daemon serves it over FUSE
// from a private directory; the daemon dies with the launcher (SIGTERM as its
// parent-death signal, on which it unmounts the export).
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"
#include "container/janitor.h"

namespace vsb::container {

class QcowExport {
 public:
  // The export directory is named to `janitor` as soon as it exists.
  static Result<QcowExport> Start(const std::string& image, bool writable, const std::string& name,
                                  Janitor& janitor);
  QcowExport(QcowExport&& o) noexcept : pid_(o.pid_), dir_(std::move(o.dir_)) { o.pid_ = -1; o.dir_.clear(); }
  QcowExport& operator=(QcowExport&&) = delete;
  ~QcowExport();

  std::string raw_path() const { return dir_ + "/raw"; }
  const std::string& dir() const { return dir_; }

 private:
  QcowExport(pid_t pid, std::string dir) : pid_(pid), dir_(std::move(dir)) {}
  pid_t pid_ = -1;
  std::string dir_;
};

}  // namespace vsb::container
