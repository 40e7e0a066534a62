#include "base/fd_passing.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace vsb {
namespace {

// Room for more fds than we accept: a peer sending several fds is then seen
// (and its fds closed) instead of being silently cut down to the first one.
constexpr size_t kMaxFdsSeen = 16;

void CloseAll(const std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
}

}  // namespace

Status SendFd(int sock, int fd) {
  char payload = 'F';
  iovec iov{&payload, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  ssize_t n;
  do {
    n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return FailErrno(errno, "send fd over socket");
  if (n != 1) return Fail(Error(ErrorCode::kInternal, "send fd over socket: short write"));
  return {};
}

Result<UniqueFd> RecvFd(int sock) {
  char payload = 0;
  iovec iov{&payload, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsSeen)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return FailErrno(errno, "receive fd over socket");

  // Take ownership of every fd that arrived before judging the message, so
  // that no rejection path leaks one into the launcher.
  std::vector<int> fds;
  bool foreign_control = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        fds.push_back(fd);
      }
    } else {
      foreign_control = true;
    }
  }
  const char* problem = nullptr;
  if (n == 0 && fds.empty()) problem = "peer closed the socket before sending an fd";
  else if (msg.msg_flags & MSG_CTRUNC) problem = "control data truncated (too many fds)";
  else if (msg.msg_flags & MSG_TRUNC) problem = "message truncated";
  else if (foreign_control) problem = "unexpected control message";
  else if (fds.empty()) problem = "message carries no fd";
  else if (fds.size() > 1) problem = "message carries more than one fd";
  if (problem != nullptr) {
    CloseAll(fds);
    return Fail(Error(ErrorCode::kInternal, std::string("receive fd over socket: ") + problem));
  }
  return UniqueFd(fds[0]);
}

}  // namespace vsb
