// PtySession: runs a program on a fresh pseudo-terminal, as if a user sat at
// it, for tests of interactive behaviour (raw mode, window size, escape key).
//
//   vsb::testing::PtySession s({"/bin/sh"});
//   ASSERT_TRUE(s.ok()) << s.error();
//   s.Write("echo $((6*7))\r");
//   EXPECT_TRUE(s.ReadUntil("42", 10000)) << s.output();
//   EXPECT_EQ(s.Wait(10000), 0);
//
// The program is a session leader with the pty as controlling terminal and as
// fds 0-2, so the kernel sends it SIGWINCH on Resize() and it may put the
// terminal in raw mode. Header-only (inline) so every test suite can use it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "base/syscalls.h"

namespace vsb::testing {

class PtySession {
 public:
  explicit PtySession(const std::vector<std::string>& argv, unsigned short rows = 24,
                      unsigned short cols = 80) {
    Start(argv, rows, cols);
  }
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;
  ~PtySession() {
    if (pid_ > 0) Kill();
    if (pidfd_ >= 0) close(pidfd_);
    if (master_ >= 0) close(master_);
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Everything the program wrote so far (as the terminal shows it, \r\n).
  const std::string& output() const { return output_; }
  int master() const { return master_; }
  pid_t pid() const { return pid_; }

  // Types `text` (all of it, unless the program stops reading for 10 s).
  bool Write(const std::string& text) {
    size_t done = 0;
    long deadline = NowMs() + 10000;
    while (done < text.size() && NowMs() < deadline) {
      pollfd p{master_, POLLIN | POLLOUT, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      if (p.revents & (POLLIN | POLLHUP)) Drain();  // keep echo from filling the pty
      if (!(p.revents & POLLOUT)) {
        if (master_eof_) return false;
        continue;
      }
      ssize_t n = write(master_, text.data() + done, text.size() - done);
      if (n > 0) done += static_cast<size_t>(n);
      else if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    }
    return done == text.size();
  }

  // Reads until `needle` appears in the output after the end of the previous
  // match; true if it did within timeout_ms. Matches are consumed in order.
  bool ReadUntil(const std::string& needle, int timeout_ms) {
    long deadline = NowMs() + timeout_ms;
    for (;;) {
      if (size_t at = output_.find(needle, cursor_); at != std::string::npos) {
        cursor_ = at + needle.size();
        return true;
      }
      long left = deadline - NowMs();
      if (left <= 0 || master_eof_) return false;
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) > 0) Drain();
    }
  }

  // Sets the terminal size; the kernel sends SIGWINCH to the program.
  bool Resize(unsigned short rows, unsigned short cols) {
    winsize ws{};
    ws.ws_row = rows;
    ws.ws_col = cols;
    return ioctl(master_, TIOCSWINSZ, &ws) == 0;
  }

  // Waits for the program to exit, reading its output meanwhile. Returns its
  // exit status (128+N if killed by signal N), or -1 after timeout_ms (the
  // program's session is then killed).
  int Wait(int timeout_ms) {
    if (pid_ <= 0) return status_;
    long deadline = NowMs() + timeout_ms;
    for (;;) {
      int raw = 0;
      pid_t r = waitpid(pid_, &raw, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        Drain();
        status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
        return status_;
      }
      long left = deadline - NowMs();
      if (left <= 0 || (r < 0 && errno != EINTR)) {
        Kill();
        return -1;
      }
      pollfd p[2] = {{pidfd_, POLLIN, 0}, {master_eof_ ? -1 : master_, POLLIN, 0}};
      if (poll(p, 2, static_cast<int>(left)) > 0 && (p[1].revents & (POLLIN | POLLHUP))) Drain();
    }
  }

 private:
  static long NowMs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
  }

  void Start(const std::vector<std::string>& argv, unsigned short rows, unsigned short cols) {
    if (argv.empty()) {
      error_ = "no program";
      return;
    }
    winsize ws{};
    ws.ws_row = rows;
    ws.ws_col = cols;
    int slave = -1;
    if (openpty(&master_, &slave, nullptr, nullptr, &ws) != 0) {
      error_ = std::string("openpty: ") + strerror(errno);
      return;
    }
    fcntl(master_, F_SETFD, FD_CLOEXEC);
    fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
    std::vector<char*> cargv;  // built before fork: the child only makes syscalls
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      // Child: a fresh session whose controlling terminal is the pty, with a
      // clean signal state (tests may block or ignore signals).
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGWINCH, SIGCHLD, SIGTSTP})
        signal(sig, SIG_DFL);
      if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0) _exit(126);
      for (int fd = 0; fd < 3; ++fd)
        if (dup2(slave, fd) < 0) _exit(126);
      vsb::sys::CloseRange(3, ~0U, 0);
      execv(cargv[0], cargv.data());
      _exit(127);
    }
    close(slave);
    if (pid_ < 0) {
      error_ = std::string("fork: ") + strerror(errno);
      return;
    }
    pidfd_ = vsb::sys::PidfdOpen(pid_);
    if (pidfd_ < 0) error_ = std::string("pidfd_open: ") + strerror(errno);
  }

  void Drain() {
    char buf[4096];
    for (;;) {
      ssize_t n = read(master_, buf, sizeof buf);
      if (n > 0) {
        output_.append(buf, static_cast<size_t>(n));
      } else {
        if (n == 0 || (n < 0 && errno == EIO)) master_eof_ = true;  // no slave left
        if (n < 0 && errno == EINTR) continue;
        return;
      }
    }
  }

  void Kill() {
    kill(-pid_, SIGKILL);  // the whole session the program started
    kill(pid_, SIGKILL);
    int raw;
    waitpid(pid_, &raw, 0);
    pid_ = -1;
    status_ = -1;
  }

  int master_ = -1;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int status_ = -1;
  bool master_eof_ = false;
  size_t cursor_ = 0;
  std::string output_;
  std::string error_;
};

}  // namespace vsb::testing
