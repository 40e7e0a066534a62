// NonBlockingView: non-blocking reads/writes on a caller's fd without
// changing the caller's open file description.
//
// The launcher's stdin/stdout are usually shared with the shell that started
// it. Setting O_NONBLOCK on them with fcntl would change the shell's
// descriptor too, and if the launcher died before undoing it the shell would
// see EAGAIN on its own terminal. Instead:
//   - a socket is used with MSG_DONTWAIT per call;
//   - an fd already O_NONBLOCK is used as it is;
//   - a terminal or pipe is reopened through /proc/self/fd/N, which gives a
//     new open file description of the same object whose flags are ours
//     alone (a pty master is never reopened: that would allocate a new pty);
//   - otherwise (regular files, or reopening failed) the fd is used
//     blocking, gated by poll(): reads then never block and a write blocks
//     only while the reader is behind (no spin, no loss).
#pragma once

#include <sys/types.h>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb::io {

class NonBlockingView {
 public:
  enum class Direction { kRead, kWrite };

  static Result<NonBlockingView> Open(int fd, Direction direction);

  // The fd to poll (may differ from the caller's fd when reopened).
  int fd() const { return owned_ ? owned_.get() : fd_; }
  // read(2)/write(2) semantics; -1 with errno EAGAIN when nothing can move.
  // Writes never raise SIGPIPE on sockets.
  ssize_t Read(void* buf, size_t len) const;
  ssize_t Write(const void* buf, size_t len) const;

 private:
  NonBlockingView() = default;
  int fd_ = -1;
  UniqueFd owned_;
  bool socket_ = false;
};

}  // namespace vsb::io
