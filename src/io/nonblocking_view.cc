#include "io/nonblocking_view.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <string>

namespace vsb::io {
namespace {

// /dev/ptmx and /dev/pts/ptmx are char 5:2; opening one creates a new pty.
bool IsPtmx(const struct stat& st) {
  return S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2;
}

// Reopens fd as a new open file description with O_NONBLOCK, or returns an
// invalid UniqueFd when that is not possible or would not be the same object.
UniqueFd Reopen(int fd, const struct stat& st, NonBlockingView::Direction direction) {
  if (IsPtmx(st)) return {};
  // Regular files never block; their offset is per description, so they are
  // used as they are.
  if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) return {};
  int access = direction == NonBlockingView::Direction::kRead ? O_RDONLY : O_WRONLY;
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  UniqueFd reopened(::open(path.c_str(), access | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!reopened) return {};
  struct stat again;
  if (::fstat(reopened.get(), &again) != 0 || again.st_dev != st.st_dev ||
      again.st_ino != st.st_ino || again.st_rdev != st.st_rdev)
    return {};
  return reopened;
}

}  // namespace

Result<NonBlockingView> NonBlockingView::Open(int fd, Direction direction) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return FailErrno(errno, "inspect relay fd " + std::to_string(fd));
  NonBlockingView view;
  view.fd_ = fd;
  if (S_ISSOCK(st.st_mode)) {
    view.socket_ = true;
    return view;
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return FailErrno(errno, "inspect relay fd " + std::to_string(fd));
  if (flags & O_NONBLOCK) return view;
  view.owned_ = Reopen(fd, st, direction);
  return view;  // not reopened: blocking, gated by poll
}

ssize_t NonBlockingView::Read(void* buf, size_t len) const {
  if (socket_) return ::recv(fd_, buf, len, MSG_DONTWAIT);
  return ::read(fd(), buf, len);
}

ssize_t NonBlockingView::Write(const void* buf, size_t len) const {
  if (socket_) return ::send(fd_, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
  return ::write(fd(), buf, len);
}

}  // namespace vsb::io
