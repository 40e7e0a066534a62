// Janitor: cleans the host-side leftovers of a sandbox whose launcher was
// killed (SIGKILL cannot be caught, so the launcher cannot do it itself).
//
// A forked process in its own session holds the read end of a pipe. It is
// started before the launcher creates anything on the host, and the launcher
// names each cgroup and temporary directory over the pipe right after making
// it, so no window exists in which a kill leaves something unnamed. When the
// launcher has cleaned up itself it sends Dismiss; EOF without it means the
// launcher died: the janitor kills what is left in the cgroups (the sandbox's
// init already died with the launcher), removes them and the directories, and
// exits. Forked only when the run creates something on the host.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb::container {

class Janitor {
 public:
  static Result<Janitor> Start();
  Janitor(Janitor&& other) noexcept : pipe_(std::move(other.pipe_)), pid_(other.pid_) { other.pid_ = -1; }
  Janitor& operator=(Janitor&&) = delete;
  ~Janitor() { Dismiss(); }

  void TrackCgroup(const std::string& dir) { Send('C', dir); }
  void TrackDirectory(const std::string& dir) { Send('D', dir); }

  // The launcher cleaned up: the janitor exits without touching anything.
  void Dismiss();

 private:
  Janitor(UniqueFd pipe, pid_t pid) : pipe_(std::move(pipe)), pid_(pid) {}
  void Send(char kind, const std::string& path);
  UniqueFd pipe_;
  pid_t pid_ = -1;
};

}  // namespace vsb::container
