// Janitor: cleans the host-side leftovers of a sandbox whose launcher was
// killed (SIGKILL cannot be caught, so the launcher cannot do it itself).
//
// A forked process in its own session holds the sandbox init's pidfd and the
// read end of a pipe. The launcher writes one byte when it has cleaned up
// itself; EOF without that byte means the launcher died, and the janitor waits
// for the sandbox to end, kills what is left in its cgroups, removes them and
// the temporary directories, and exits. Forked only when there is something
// on the host to clean.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb::container {

class Janitor {
 public:
  static Result<Janitor> Start(int init_pidfd, std::vector<std::string> cgroup_dirs,
                               std::vector<std::string> temp_dirs);
  Janitor(Janitor&& other) noexcept : pipe_(std::move(other.pipe_)), pid_(other.pid_) { other.pid_ = -1; }
  Janitor& operator=(Janitor&&) = delete;
  ~Janitor() { Dismiss(); }

  // The launcher cleaned up: the janitor exits without touching anything.
  void Dismiss();

 private:
  Janitor(UniqueFd pipe, pid_t pid) : pipe_(std::move(pipe)), pid_(pid) {}
  UniqueFd pipe_;
  pid_t pid_ = -1;
};

}  // namespace vsb::container
