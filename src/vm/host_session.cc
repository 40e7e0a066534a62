#include "vm/host_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/scoped_cleanup.h"
#include "base/unique_fd.h"
#include "proto/channel.h"

namespace vsb::vm {
namespace {

using proto::MsgType;

constexpr char kEscapeByte = 0x1d;  // Ctrl-]

// Bytes waiting for a non-blocking or poll-guarded fd.
struct Queue {
  std::string data;
  size_t pos = 0;
  size_t size() const { return data.size() - pos; }
  bool empty() const { return size() == 0; }
  // One write; false when the fd is gone (EPIPE and friends): drop the rest.
  bool WriteTo(int fd, size_t max) {
    ssize_t n = write(fd, data.data() + pos, std::min(size(), max));
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    pos += static_cast<size_t>(n);
    if (pos == data.size()) {
      data.clear();
      pos = 0;
    }
    return true;
  }
  void Drop() {
    data.clear();
    pos = 0;
  }
};

RunResult Failure(ErrorCode code, const std::string& what, const SessionEnv& env) {
  // One line, as the CLI prints errors: the pieces are joined with " | ".
  std::string msg = what;
  std::string qtail = FileTail(env.qemu_log, 2, " | ");
  if (!qtail.empty()) msg += "; qemu: " + qtail;
  std::string tail = FileTail(env.console_log, 6, " | ");
  if (!tail.empty()) msg += "; guest console: " + tail;
  return RunResult::Failed(Error(code, msg));
}

}  // namespace

double MonotonicSeconds() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

std::string FileTail(const std::string& path, int lines, const std::string& sep) {
  if (path.empty()) return "";
  std::ifstream f(path, std::ios::binary);
  if (!f) return "";
  std::stringstream s;
  s << f.rdbuf();
  std::string text = s.str();
  if (text.size() > 8192) text = text.substr(text.size() - 8192);
  std::vector<std::string> all;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    if (!line.empty()) all.push_back(line);
  }
  std::string out;
  size_t from = all.size() > static_cast<size_t>(lines) ? all.size() - lines : 0;
  for (size_t i = from; i < all.size(); ++i) out += (i == from ? "" : sep) + all[i];
  return out;
}

RunResult ResultFromReport(const proto::InitReport& r) {
  RunResult res;
  switch (r.kind) {
    case proto::InitReport::kExited:
      res.kind = RunResult::Kind::kExited;
      res.code = r.code;
      return res;
    case proto::InitReport::kSignaled:
      res.kind = RunResult::Kind::kSignaled;
      res.signal = r.code;
      if (r.code == SIGKILL && strcmp(r.step, proto::kOomStep) == 0)
        res.error = Error(ErrorCode::kInternal,
                          "the sandbox exceeded its memory (--memory, the guest's RAM) and was killed");
      return res;
    case proto::InitReport::kExecFailed:
      res.kind = r.sys_errno == ENOENT ? RunResult::Kind::kNotFound
                                       : RunResult::Kind::kNotExecutable;
      res.error = Error::FromErrno(r.sys_errno, std::string("guest: ") + r.step);
      return res;
    default:
      return RunResult::Failed(Error::FromErrno(r.sys_errno, std::string("guest: ") + r.step));
  }
}

RunResult RunSession(const policy::VmPlan& plan, const Stdio& stdio, const SessionEnv& env) {
  sigset_t forward, block, old;
  sigemptyset(&forward);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH}) sigaddset(&forward, s);
  block = forward;
  sigaddset(&block, SIGPIPE);  // a closed stdout is EPIPE, not death
  pthread_sigmask(SIG_BLOCK, &block, &old);
  UniqueFd sfd(signalfd(-1, &forward, SFD_CLOEXEC | SFD_NONBLOCK));
  ScopedCleanup restore([&] {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    timespec zero{};
    while (sigtimedwait(&pipe_only, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  });

  const int chan = env.channel_fd;
  Queue to_guest, out_q, err_q;
  proto::FrameDecoder decoder;
  proto::AppendFrame(&to_guest.data, MsgType::kHello, proto::EncodeU32(proto::kChannelVersion));
  enum class Phase { kBoot, kRunning, kExited } phase = Phase::kBoot;
  const double boot_deadline = MonotonicSeconds() + plan.handshake_timeout_seconds;
  const double run_deadline =
      plan.timeout_seconds > 0 ? env.started_monotonic + plan.timeout_seconds : INFINITY;
  bool stdin_open = stdio.in >= 0, chan_open = true, qemu_gone = false;
  bool out_ok = stdio.out >= 0, err_ok = stdio.err >= 0, escaped = false;
  std::optional<proto::InitReport> report;
  std::string buf(64 << 10, '\0');

  auto send_winsize = [&] {
    winsize ws{};
    if (plan.tty && stdio.in >= 0 && ioctl(stdio.in, TIOCGWINSZ, &ws) == 0)
      proto::AppendFrame(&to_guest.data, MsgType::kWinsize, proto::EncodeWinsize(ws.ws_row, ws.ws_col));
  };
  // -d: timestamped progress on stderr (host clock, from Run's start).
  auto mark = [&](const std::string& what) {
    if (!(plan.debug || plan.verbose) || !err_ok) return;
    char t[48];
    snprintf(t, sizeof t, "virt-sandbox: +%.1f ms ", (MonotonicSeconds() - env.started_monotonic) * 1000);
    err_q.data.append(t + what + "\n");
  };
  mark("qemu started");
  // Returns an error text, or "" when the frame was fine.
  auto handle = [&](const proto::Frame& f) -> std::string {
    switch (f.type) {
      case MsgType::kReady: {
        auto v = proto::DecodeU32(f.payload);
        if (phase != Phase::kBoot || !v) return "unexpected READY";
        if (*v != proto::kChannelVersion)
          return "guest protocol version " + std::to_string(*v) + ", host speaks " +
                 std::to_string(proto::kChannelVersion);
        phase = Phase::kRunning;
        mark("guest READY (kernel booted, modules loaded, channel up)");
        proto::AppendFrame(&to_guest.data, MsgType::kSetup, plan.setup.Encode());
        proto::InitSpec spec = plan.spec;
        winsize ws{};
        if (plan.tty && stdio.in >= 0 && ioctl(stdio.in, TIOCGWINSZ, &ws) == 0) {
          spec.rows = ws.ws_row;
          spec.cols = ws.ws_col;
        }
        proto::AppendFrame(&to_guest.data, MsgType::kSpec, spec.Encode());
        return "";
      }
      case MsgType::kStdout:
        if (out_ok) out_q.data.append(f.payload);
        return "";
      case MsgType::kStderr:
        if (err_ok) err_q.data.append(f.payload);
        return "";
      case MsgType::kLog:
        mark("guest: " + f.payload);
        return "";
      case MsgType::kExit:
        report = proto::DecodeExit(f.payload);
        if (!report || phase != Phase::kRunning) return "malformed EXIT";
        phase = Phase::kExited;
        mark("guest EXIT");
        proto::AppendFrame(&to_guest.data, MsgType::kQuit, "");
        return "";
      default:
        return "unexpected message type " + std::to_string(static_cast<int>(f.type));
    }
  };
  auto read_channel = [&]() -> std::string {
    ssize_t n = read(chan, buf.data(), buf.size());
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      chan_open = false;
      return "";
    }
    if (n < 0) return "";
    decoder.Feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    while (auto f = decoder.Next()) {
      std::string e = handle(*f);
      if (!e.empty()) return e;
    }
    return decoder.failed() ? "malformed frame from the guest" : "";
  };

  for (;;) {
    if (report && to_guest.empty() && out_q.empty() && err_q.empty()) break;
    if (report && qemu_gone && out_q.empty() && err_q.empty()) break;
    const double now = MonotonicSeconds();
    if (now >= run_deadline) {
      RunResult r;
      r.kind = RunResult::Kind::kTimedOut;
      return r;
    }
    if (phase == Phase::kBoot && now >= boot_deadline)
      return Failure(ErrorCode::kTimeout,
                     "the guest did not answer within " +
                         std::to_string(static_cast<int>(plan.handshake_timeout_seconds)) +
                         " s (boot failure)",
                     env);
    if (qemu_gone && !report) {
      while (chan_open && !report) {
        std::string e = read_channel();
        if (!e.empty()) return Failure(ErrorCode::kInternal, "guest channel: " + e, env);
      }
      if (!report) return Failure(ErrorCode::kInternal, "the guest stopped before it reported an exit status", env);
      continue;
    }
    const bool room = out_q.size() < proto::kMaxBuffered && err_q.size() < proto::kMaxBuffered;
    pollfd p[6] = {
        {chan_open ? chan : -1,
         static_cast<short>((room ? POLLIN : 0) | (to_guest.empty() ? 0 : POLLOUT)), 0},
        {phase == Phase::kRunning && stdin_open && to_guest.size() < proto::kMaxBuffered ? stdio.in : -1,
         POLLIN, 0},
        {out_q.empty() ? -1 : stdio.out, POLLOUT, 0},
        {err_q.empty() ? -1 : stdio.err, POLLOUT, 0},
        {qemu_gone ? -1 : env.qemu->pidfd.get(), POLLIN, 0},
        {sfd.get(), POLLIN, 0},
    };
    double until = std::min(run_deadline, phase == Phase::kBoot ? boot_deadline : INFINITY);
    int timeout_ms = std::isinf(until) ? -1 : static_cast<int>(std::max(0.0, (until - now) * 1000) + 1);
    if (poll(p, 6, timeout_ms) < 0 && errno != EINTR)
      return RunResult::Failed(Error::FromErrno(errno, "poll guest channel"));
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      std::string e = read_channel();
      if (!e.empty()) return Failure(ErrorCode::kInternal, "guest channel: " + e, env);
    }
    if ((p[0].revents & POLLOUT) && !to_guest.WriteTo(chan, 1 << 20)) chan_open = false;
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(stdio.in, buf.data(), proto::kDataChunk);
      // On a terminal, Ctrl-] ends the session (as in the container engine):
      // what was typed before it is forwarded, then the guest is killed.
      const void* esc = plan.tty && n > 0 ? memchr(buf.data(), kEscapeByte, static_cast<size_t>(n)) : nullptr;
      if (esc) {
        n = static_cast<const char*>(esc) - buf.data();
        escaped = true;
      }
      if (n > 0) {
        proto::AppendFrame(&to_guest.data, MsgType::kStdin,
                           std::string_view(buf.data(), static_cast<size_t>(n)));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        stdin_open = false;
        proto::AppendFrame(&to_guest.data, MsgType::kStdinEof, "");
      }
    }
    if (escaped) {
      RunResult r;
      r.kind = RunResult::Kind::kSignaled;
      r.signal = SIGKILL;
      return r;
    }
    if ((p[2].revents & (POLLOUT | POLLERR | POLLHUP)) && !out_q.WriteTo(stdio.out, 4096)) {
      out_q.Drop();
      out_ok = false;
    }
    if ((p[3].revents & (POLLOUT | POLLERR | POLLHUP)) && !err_q.WriteTo(stdio.err, 4096)) {
      err_q.Drop();
      err_ok = false;
    }
    if (p[4].revents & POLLIN) qemu_gone = true;
    if (p[5].revents & POLLIN) {
      signalfd_siginfo si;
      while (read(sfd.get(), &si, sizeof si) == sizeof si) {
        int sig = static_cast<int>(si.ssi_signo);
        if (phase == Phase::kRunning) {
          if (sig == SIGWINCH)
            send_winsize();
          else
            proto::AppendFrame(&to_guest.data, MsgType::kSignal, proto::EncodeU32(static_cast<uint32_t>(sig)));
        } else if (phase == Phase::kBoot && sig != SIGWINCH) {
          RunResult r;  // interrupted before the command started
          r.kind = RunResult::Kind::kSignaled;
          r.signal = sig;
          return r;
        }
      }
    }
  }
  return ResultFromReport(*report);
}

}  // namespace vsb::vm
