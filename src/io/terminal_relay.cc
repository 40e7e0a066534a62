#include "io/terminal_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/scoped_cleanup.h"
#include "io/byte_queue.h"
#include "io/nonblocking_view.h"

namespace vsb::io {
namespace {

constexpr size_t kQueueCapacity = 64 * 1024;
// After done_fd, at most this much is drained. A dead sandbox leaves far less
// in a pty (the kernel buffers ~64 KiB); the bound only matters when done_fd
// fired for another reason (a timeout) while something inside still writes
// as fast as we read, which must not keep the launcher relaying forever.
constexpr size_t kMaxDrain = 4 * 1024 * 1024;

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

class Relay {
 public:
  Relay(const RelayOptions& options, NonBlockingView in, NonBlockingView out)
      : o_(options), in_(std::move(in)), out_(std::move(out)) {}

  Result<RelayEnd> Run();

 private:
  void CopyWindowSize() const;
  Status HandleSignals() const;
  Status ReadHostIn(bool* escape);
  Status ReadMaster();
  Status FlushToMaster();
  Status FlushToHost();
  Result<RelayEnd> Drain();

  const RelayOptions& o_;
  NonBlockingView in_;
  NonBlockingView out_;
  ByteQueue to_master_{kQueueCapacity};
  ByteQueue to_host_{kQueueCapacity};
  bool in_eof_ = false;         // host_in gave EOF (or hung up): not polled again
  bool master_closed_ = false;  // master read gave EIO/EOF: no slave is open
  bool master_hup_ = false;     // last poll of the master reported POLLHUP
};

void Relay::CopyWindowSize() const {
  winsize ws{};
  if (::ioctl(o_.host_out, TIOCGWINSZ, &ws) != 0 && ::ioctl(o_.host_in, TIOCGWINSZ, &ws) != 0)
    return;  // the host side is not a terminal: nothing to copy
  ::ioctl(o_.master, TIOCSWINSZ, &ws);  // the kernel sends SIGWINCH inside
}

Status Relay::HandleSignals() const {
  signalfd_siginfo infos[8];
  ssize_t n = ::read(o_.signal_fd, infos, sizeof infos);
  if (n < 0) return WouldBlock(errno) ? Status{} : FailErrno(errno, "read signalfd");
  for (size_t i = 0; i < static_cast<size_t>(n) / sizeof infos[0]; ++i) {
    int sig = static_cast<int>(infos[i].ssi_signo);
    if (sig == SIGWINCH) CopyWindowSize();
    else if (o_.on_signal) o_.on_signal(sig);
  }
  return {};
}

Status Relay::ReadHostIn(bool* escape) {
  std::span<char> room = to_master_.Room();
  ssize_t n = in_.Read(room.data(), room.size());
  if (n < 0) {
    if (WouldBlock(errno)) return {};
    if (errno != EIO) return FailErrno(errno, "read terminal input");
    n = 0;  // the host terminal hung up: same as EOF
  }
  if (n == 0) {
    in_eof_ = true;
    return {};
  }
  if (const void* hit = std::memchr(room.data(), o_.escape, static_cast<size_t>(n))) {
    n = static_cast<const char*>(hit) - room.data();
    *escape = true;
  }
  to_master_.Commit(static_cast<size_t>(n));
  return {};
}

Status Relay::ReadMaster() {
  std::span<char> room = to_host_.Room();
  ssize_t n = ::read(o_.master, room.data(), room.size());
  if (n > 0) {
    to_host_.Commit(static_cast<size_t>(n));
    return {};
  }
  if (n < 0 && WouldBlock(errno)) return {};
  if (n < 0 && errno != EIO) return FailErrno(errno, "read sandbox terminal");
  master_closed_ = true;  // EIO or EOF: every slave fd is closed
  to_master_.Clear();     // nobody is left to read the input
  return {};
}

Status Relay::FlushToMaster() {
  while (!to_master_.empty()) {
    std::span<const char> pending = to_master_.Pending();
    ssize_t n = ::write(o_.master, pending.data(), pending.size());
    if (n > 0) {
      to_master_.Consume(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && WouldBlock(errno)) return {};
    if (n < 0 && errno != EIO) return FailErrno(errno, "write sandbox terminal");
    to_master_.Clear();  // EIO: the slave side is gone
    master_hup_ = true;
    return {};
  }
  return {};
}

Status Relay::FlushToHost() {
  while (!to_host_.empty()) {
    std::span<const char> pending = to_host_.Pending();
    ssize_t n = out_.Write(pending.data(), pending.size());
    if (n > 0) {
      to_host_.Consume(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && WouldBlock(errno)) return {};
    return FailErrno(n < 0 ? errno : EIO, "write terminal output");
  }
  return {};
}

// The sandbox has ended: whatever its processes wrote before dying is in the
// master; deliver it all (waiting for host_out if it is slow), then stop.
// Nothing can write to the slave any more, so reading ends at EAGAIN or EIO
// (or, see kMaxDrain, after a bounded amount).
Result<RelayEnd> Relay::Drain() {
  bool master_done = master_closed_;
  size_t drained = 0;
  for (;;) {
    while (!master_done && to_host_.HasRoom()) {
      std::span<char> room = to_host_.Room();
      ssize_t n = ::read(o_.master, room.data(), room.size());
      if (n > 0) {
        to_host_.Commit(static_cast<size_t>(n));
        drained += static_cast<size_t>(n);
        master_done = drained >= kMaxDrain;
      } else if (!(n < 0 && errno == EINTR)) {
        master_done = true;  // EAGAIN: empty; EIO/EOF: no slave left
      }
    }
    VSB_TRY(FlushToHost());
    if (to_host_.empty()) {
      if (master_done) return RelayEnd::kSandboxDone;
      continue;
    }
    pollfd p{out_.fd(), POLLOUT, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR) return FailErrno(errno, "poll terminal output");
  }
}

Result<RelayEnd> Relay::Run() {
  CopyWindowSize();
  enum { kDone, kSignal, kIn, kMaster, kOut, kCount };
  for (;;) {
    if (master_closed_ && to_host_.empty()) return RelayEnd::kMasterClosed;
    pollfd p[kCount] = {};
    p[kDone] = {o_.done_fd, POLLIN, 0};
    p[kSignal] = {o_.signal_fd, POLLIN, 0};
    bool want_in = !in_eof_ && !master_closed_ && to_master_.HasRoom();
    p[kIn] = {want_in ? in_.fd() : -1, POLLIN, 0};
    short master_events = 0;
    if (!master_closed_ && to_host_.HasRoom()) master_events |= POLLIN;
    if (!master_closed_ && !master_hup_ && !to_master_.empty()) master_events |= POLLOUT;
    p[kMaster] = {master_events ? o_.master : -1, master_events, 0};
    p[kOut] = {to_host_.empty() ? -1 : out_.fd(), POLLOUT, 0};

    if (::poll(p, kCount, -1) < 0) {
      if (errno == EINTR) continue;
      return FailErrno(errno, "poll terminal relay");
    }
    if (p[kDone].revents) return Drain();
    // Signals first: a resize that happened before a keystroke is applied
    // before that keystroke reaches the sandbox.
    if (p[kSignal].revents) VSB_TRY(HandleSignals());
    short master_revents = p[kMaster].revents;
    // POLLHUP: no slave is open right now. Stop polling for POLLOUT (it
    // would report HUP at once, a spin while host_out is slow); the next
    // read, once there is room, delivers what is left and then sees EIO.
    if (master_events) master_hup_ = master_revents & POLLHUP;
    if ((master_events & POLLIN) && (master_revents & (POLLIN | POLLHUP | POLLERR)))
      VSB_TRY(ReadMaster());
    if (p[kOut].revents) VSB_TRY(FlushToHost());
    if (p[kIn].revents) {
      bool escape = false;
      VSB_TRY(ReadHostIn(&escape));
      if (escape) {
        (void)FlushToMaster();  // best effort: the user asked to leave now
        return RelayEnd::kEscape;
      }
    }
    if (master_revents & (POLLOUT | POLLERR)) VSB_TRY(FlushToMaster());
  }
}

}  // namespace

Result<RelayEnd> RelayTerminal(const RelayOptions& options) {
  if (options.master < 0) return FailInvalid("terminal relay: no pty master");
  VSB_ASSIGN_OR_RETURN(NonBlockingView in,
                       NonBlockingView::Open(options.host_in, NonBlockingView::Direction::kRead));
  VSB_ASSIGN_OR_RETURN(NonBlockingView out,
                       NonBlockingView::Open(options.host_out, NonBlockingView::Direction::kWrite));
  int master_flags = ::fcntl(options.master, F_GETFL);
  if (master_flags < 0) return FailErrno(errno, "inspect pty master");
  if (::fcntl(options.master, F_SETFL, master_flags | O_NONBLOCK) != 0)
    return FailErrno(errno, "make pty master non-blocking");
  ScopedCleanup restore_flags([&] { ::fcntl(options.master, F_SETFL, master_flags); });
  Relay relay(options, std::move(in), std::move(out));
  return relay.Run();
}

}  // namespace vsb::io
