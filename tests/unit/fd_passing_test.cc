// SendFd/RecvFd: exactly one fd per message; anything else is rejected and
// nothing that arrived is leaked into the receiving process.
#include "base/fd_passing.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace vsb::io {
namespace {

int OpenFdCount() {
  int count = 0;
  DIR* d = opendir("/proc/self/fd");
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++count;
  closedir(d);
  return count - 1;  // the DIR's own fd
}

struct Sockets {
  Sockets(int type = SOCK_STREAM) { EXPECT_EQ(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fd), 0); }
  ~Sockets() {
    close(fd[0]);
    close(fd[1]);
  }
  int fd[2] = {-1, -1};
};

// Sends `fds` in one SCM_RIGHTS message with a 1-byte payload.
void SendRaw(int sock, const std::vector<int>& fds) {
  char payload = 'F';
  iovec iov{&payload, 1};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ASSERT_EQ(sendmsg(sock, &msg, 0), 1) << strerror(errno);
}

TEST(FdPassing, PassedFdReachesTheSameObjectAndIsCloexec) {
  Sockets s;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  ASSERT_TRUE(vsb::SendFd(s.fd[0], p[1]));
  close(p[1]);
  Result<UniqueFd> got = RecvFd(s.fd[1]);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_TRUE(fcntl(got->get(), F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(write(got->get(), "x", 1), 1);
  got->reset();  // last write end: the reader then sees EOF after "x"
  char buf[4];
  EXPECT_EQ(read(p[0], buf, sizeof buf), 1);
  EXPECT_EQ(buf[0], 'x');
  EXPECT_EQ(read(p[0], buf, sizeof buf), 0);
  close(p[0]);
}

TEST(FdPassing, WorksOnSeqpacketSockets) {
  Sockets s(SOCK_SEQPACKET);
  ASSERT_TRUE(vsb::SendFd(s.fd[0], 0));
  Result<UniqueFd> got = RecvFd(s.fd[1]);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_TRUE(got->valid());
}

TEST(FdPassing, MessageWithoutFdIsRejected) {
  Sockets s;
  SendRaw(s.fd[0], {});
  Result<UniqueFd> got = RecvFd(s.fd[1]);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message().find("no fd"), std::string::npos) << got.error().message();
}

TEST(FdPassing, TwoFdsAreRejectedAndBothClosed) {
  Sockets s;
  SendRaw(s.fd[0], {0, 1});
  int before = OpenFdCount();
  Result<UniqueFd> got = RecvFd(s.fd[1]);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message().find("more than one"), std::string::npos)
      << got.error().message();
  EXPECT_EQ(OpenFdCount(), before);
}

TEST(FdPassing, FloodOfFdsIsRejectedWithoutLeaking) {
  Sockets s;
  SendRaw(s.fd[0], std::vector<int>(100, 0));  // more than the receive buffer holds
  int before = OpenFdCount();
  Result<UniqueFd> got = RecvFd(s.fd[1]);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message().find("truncated"), std::string::npos) << got.error().message();
  EXPECT_EQ(OpenFdCount(), before);
}

TEST(FdPassing, PeerClosingIsAnError) {
  Sockets s;
  close(s.fd[0]);
  s.fd[0] = -1;
  Result<UniqueFd> got = RecvFd(s.fd[1]);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message().find("closed"), std::string::npos) << got.error().message();
}

TEST(FdPassing, SendingToAClosedPeerFailsWithoutSigpipe) {
  Sockets s;
  close(s.fd[1]);
  s.fd[1] = -1;
  Status sent = SendFd(s.fd[0], 0);  // SIGPIPE would kill the test binary here
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().sys_errno(), EPIPE);
}

}  // namespace
}  // namespace vsb::io
