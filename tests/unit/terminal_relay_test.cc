// RelayTerminal between a "host" (a socketpair, or a second pty when the test
// needs a real host terminal) and a pty whose slave plays the sandbox.
#include "io/terminal_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace vsb::io {
namespace {

constexpr int kTimeoutMs = 20000;

// A pty whose slave is raw, so bytes pass unchanged in both directions.
struct RawPty {
  RawPty() {
    EXPECT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
  }
  ~RawPty() {
    if (master >= 0) close(master);
    if (slave >= 0) close(slave);
  }
  int master = -1;
  int slave = -1;
};

// Reads from fd until `want` bytes arrived (or timeout / EOF).
std::string ReadExactly(int fd, size_t want) {
  std::string got;
  char buf[65536];
  while (got.size() < want) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, kTimeoutMs) <= 0) break;
    ssize_t n = read(fd, buf, std::min(sizeof buf, want - got.size()));
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ASSERT_GT(n, 0) << strerror(errno);
    done += static_cast<size_t>(n);
  }
}

bool NothingToRead(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 0;
}

class TerminalRelay : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, host_), 0);
    options_.host_in = host_[0];
    options_.host_out = host_[0];
    options_.master = pty_.master;
  }
  void TearDown() override {
    close(host_[0]);
    close(host_[1]);
  }
  // Runs the relay on its own thread; the test plays user and sandbox.
  std::future<Result<RelayEnd>> Start() {
    return std::async(std::launch::async, [this] { return RelayTerminal(options_); });
  }
  static RelayEnd Finish(std::future<Result<RelayEnd>>& relay) {
    EXPECT_EQ(relay.wait_for(std::chrono::milliseconds(kTimeoutMs)), std::future_status::ready);
    Result<RelayEnd> end = relay.get();
    EXPECT_TRUE(end) << (end ? "" : end.error().message());
    return end ? *end : RelayEnd::kMasterClosed;
  }
  int user() const { return host_[1]; }  // the test's end of the "host terminal"

  int host_[2] = {-1, -1};
  RawPty pty_;
  RelayOptions options_;
};

TEST_F(TerminalRelay, BytesFlowBothWays) {
  auto relay = Start();
  WriteAll(user(), "typed by user");
  EXPECT_EQ(ReadExactly(pty_.slave, 13), "typed by user");
  WriteAll(pty_.slave, "printed by sandbox");
  EXPECT_EQ(ReadExactly(user(), 18), "printed by sandbox");
  WriteAll(user(), "\x1d");
  EXPECT_EQ(Finish(relay), RelayEnd::kEscape);
}

TEST_F(TerminalRelay, EscapeForwardsWhatCameBeforeItAndDropsTheRest) {
  auto relay = Start();
  WriteAll(user(), "abc\x1dxyz");
  EXPECT_EQ(Finish(relay), RelayEnd::kEscape);
  EXPECT_EQ(ReadExactly(pty_.slave, 3), "abc");
  EXPECT_TRUE(NothingToRead(pty_.slave));  // the relay has returned: no "xyz" can follow
}

TEST_F(TerminalRelay, EscapeByteIsConfigurable) {
  options_.escape = 'q';
  auto relay = Start();
  WriteAll(user(), "\x1d!q");
  EXPECT_EQ(Finish(relay), RelayEnd::kEscape);
  EXPECT_EQ(ReadExactly(pty_.slave, 2), "\x1d!");
}

TEST_F(TerminalRelay, SandboxDoneDeliversOutputStillInTheMaster) {
  int done = eventfd(0, EFD_CLOEXEC);
  ASSERT_GE(done, 0);
  options_.done_fd = done;
  // The sandbox wrote its last words and ended before the relay looked.
  std::string last(3000, 'w');
  last += "last words";
  WriteAll(pty_.slave, last);
  uint64_t one = 1;
  ASSERT_EQ(write(done, &one, sizeof one), 8);
  auto relay = Start();
  EXPECT_EQ(Finish(relay), RelayEnd::kSandboxDone);
  EXPECT_EQ(ReadExactly(user(), last.size()), last);
  close(done);
}

TEST_F(TerminalRelay, SandboxDoneWhileRelaying) {
  int done_pipe[2];
  ASSERT_EQ(pipe2(done_pipe, O_CLOEXEC), 0);
  options_.done_fd = done_pipe[0];
  auto relay = Start();
  WriteAll(pty_.slave, "early");
  EXPECT_EQ(ReadExactly(user(), 5), "early");
  WriteAll(pty_.slave, "late");
  close(done_pipe[1]);  // pipe EOF: readable, as a pidfd is when init exits
  EXPECT_EQ(Finish(relay), RelayEnd::kSandboxDone);
  EXPECT_EQ(ReadExactly(user(), 4), "late");
  close(done_pipe[0]);
}

TEST_F(TerminalRelay, SlaveClosedEndsRelayAfterItsOutput) {
  auto relay = Start();
  WriteAll(pty_.slave, "bye");
  close(pty_.slave);
  pty_.slave = -1;
  EXPECT_EQ(Finish(relay), RelayEnd::kMasterClosed);
  EXPECT_EQ(ReadExactly(user(), 3), "bye");
}

TEST_F(TerminalRelay, HostInputEofKeepsOutputFlowing) {
  int done = eventfd(0, EFD_CLOEXEC);
  options_.done_fd = done;
  auto relay = Start();
  ASSERT_EQ(shutdown(user(), SHUT_WR), 0);  // host_in reads EOF from now on
  WriteAll(pty_.slave, "still here");
  EXPECT_EQ(ReadExactly(user(), 10), "still here");
  uint64_t one = 1;
  ASSERT_EQ(write(done, &one, sizeof one), 8);
  EXPECT_EQ(Finish(relay), RelayEnd::kSandboxDone);
  close(done);
}

TEST_F(TerminalRelay, OneMebibyteEachWayArrivesIntact) {
  auto pattern = [](size_t size, unsigned seed) {
    std::string s(size, '\0');
    for (size_t i = 0; i < size; ++i) {
      unsigned char c = static_cast<unsigned char>((i * 131 + seed + i / 251) & 0xff);
      s[i] = static_cast<char>(c == 0x1d ? 0x1c : c);  // no escape byte
    }
    return s;
  };
  const std::string up = pattern(1 << 20, 7);
  const std::string down = pattern(1 << 20, 11);
  // Small socket buffers: writes to the host side come back short or EAGAIN.
  int small = 4096;
  ASSERT_EQ(setsockopt(host_[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  ASSERT_EQ(setsockopt(host_[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
  auto relay = Start();
  std::thread user_types([&] { WriteAll(user(), up); });
  std::thread sandbox_prints([&] { WriteAll(pty_.slave, down); });
  auto sandbox_reads = std::async(std::launch::async, [&] {
    return ReadExactly(pty_.slave, up.size());
  });
  std::string seen_by_user = ReadExactly(user(), down.size());
  std::string seen_by_sandbox = sandbox_reads.get();
  user_types.join();
  sandbox_prints.join();
  EXPECT_TRUE(seen_by_user == down) << "user got " << seen_by_user.size() << " bytes";
  EXPECT_TRUE(seen_by_sandbox == up) << "sandbox got " << seen_by_sandbox.size() << " bytes";
  WriteAll(user(), "\x1d");
  EXPECT_EQ(Finish(relay), RelayEnd::kEscape);
}

TEST_F(TerminalRelay, NoMasterIsAnError) {
  options_.master = -1;
  EXPECT_FALSE(RelayTerminal(options_));
}

// Signals: SIGWINCH and SIGUSR1 are blocked in every thread and read from a
// signalfd, as the launcher does.
class TerminalRelaySignals : public ::testing::Test {
 protected:
  void SetUp() override {
    sigemptyset(&mask_);
    sigaddset(&mask_, SIGWINCH);
    sigaddset(&mask_, SIGUSR1);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask_, &old_mask_), 0);
    signal_fd_ = signalfd(-1, &mask_, SFD_NONBLOCK | SFD_CLOEXEC);
    ASSERT_GE(signal_fd_, 0);
    // The host terminal is a pty too, so it has a window size to copy.
    ASSERT_EQ(openpty(&host_master_, &host_slave_, nullptr, nullptr, nullptr), 0);
    termios t;
    tcgetattr(host_slave_, &t);
    cfmakeraw(&t);
    tcsetattr(host_slave_, TCSANOW, &t);
    SetHostSize(40, 120);
    options_.host_in = host_slave_;
    options_.host_out = host_slave_;
    options_.master = pty_.master;
    options_.signal_fd = signal_fd_;
    options_.on_signal = [this](int sig) { forwarded_.store(sig); };
  }
  void TearDown() override {
    close(signal_fd_);
    // Consume what is still pending so unblocking cannot deliver it.
    signalfd_siginfo info;
    int fd = signalfd(-1, &mask_, SFD_NONBLOCK);
    while (read(fd, &info, sizeof info) > 0) {
    }
    close(fd);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    close(host_master_);
    close(host_slave_);
  }
  void SetHostSize(unsigned short rows, unsigned short cols) {
    winsize ws{};
    ws.ws_row = rows;
    ws.ws_col = cols;
    ASSERT_EQ(ioctl(host_master_, TIOCSWINSZ, &ws), 0);
  }
  winsize SandboxSize() const {
    winsize ws{};
    EXPECT_EQ(ioctl(pty_.slave, TIOCGWINSZ, &ws), 0);
    return ws;
  }
  // A keystroke through the relay: once it arrived, everything the relay saw
  // before it (the initial size copy, earlier signals) has been handled.
  void RoundTrip(char c) {
    WriteAll(host_master_, std::string(1, c));
    EXPECT_EQ(ReadExactly(pty_.slave, 1), std::string(1, c));
  }

  sigset_t mask_, old_mask_;
  int signal_fd_ = -1;
  int host_master_ = -1, host_slave_ = -1;
  RawPty pty_;
  RelayOptions options_;
  std::atomic<int> forwarded_{0};
};

TEST_F(TerminalRelaySignals, WindowSizeCopiedAtStartAndOnSigwinch) {
  auto relay = std::async(std::launch::async, [this] { return RelayTerminal(options_); });
  RoundTrip('a');
  EXPECT_EQ(SandboxSize().ws_row, 40);
  EXPECT_EQ(SandboxSize().ws_col, 120);
  SetHostSize(33, 101);
  ASSERT_EQ(kill(getpid(), SIGWINCH), 0);  // what the kernel sends on a resize
  RoundTrip('b');
  EXPECT_EQ(SandboxSize().ws_row, 33);
  EXPECT_EQ(SandboxSize().ws_col, 101);
  EXPECT_EQ(forwarded_.load(), 0);  // SIGWINCH is the relay's own business
  WriteAll(host_master_, "\x1d");
  ASSERT_EQ(relay.wait_for(std::chrono::milliseconds(kTimeoutMs)), std::future_status::ready);
  EXPECT_EQ(relay.get().value_or(RelayEnd::kMasterClosed), RelayEnd::kEscape);
}

TEST_F(TerminalRelaySignals, CallersDescriptorFlagsAreLeftAlone) {
  int host_flags = fcntl(host_slave_, F_GETFL);
  int master_flags = fcntl(pty_.master, F_GETFL);
  ASSERT_FALSE(host_flags & O_NONBLOCK);
  auto relay = std::async(std::launch::async, [this] { return RelayTerminal(options_); });
  RoundTrip('a');
  // The host terminal's description is shared with the user's shell: making
  // it non-blocking would break the shell if the launcher died.
  EXPECT_EQ(fcntl(host_slave_, F_GETFL), host_flags);
  WriteAll(host_master_, "\x1d");
  ASSERT_EQ(relay.wait_for(std::chrono::milliseconds(kTimeoutMs)), std::future_status::ready);
  EXPECT_TRUE(relay.get());
  EXPECT_EQ(fcntl(pty_.master, F_GETFL), master_flags);  // put back on return
}

TEST_F(TerminalRelaySignals, OtherSignalsGoToOnSignal) {
  auto relay = std::async(std::launch::async, [this] { return RelayTerminal(options_); });
  RoundTrip('a');
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  RoundTrip('b');
  EXPECT_EQ(forwarded_.load(), SIGUSR1);
  WriteAll(host_master_, "\x1d");
  ASSERT_EQ(relay.wait_for(std::chrono::milliseconds(kTimeoutMs)), std::future_status::ready);
  EXPECT_EQ(relay.get().value_or(RelayEnd::kMasterClosed), RelayEnd::kEscape);
}

}  // namespace
}  // namespace vsb::io
