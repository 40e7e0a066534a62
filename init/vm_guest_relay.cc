#include "init/vm_guest_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "init/command.h"

namespace vsb::init {
namespace {

using proto::MsgType;

void SetNonBlock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

struct Pending {
  std::string data;
  size_t pos = 0;
  size_t size() const { return data.size() - pos; }
};

}  // namespace

std::optional<proto::Frame> GuestChannel::ReadFrame(int timeout_ms) {
  char buf[65536];
  for (;;) {
    if (auto f = decoder.Next()) return f;
    if (decoder.failed()) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    int n = poll(&p, 1, timeout_ms);
    if (n == 0) return std::nullopt;
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    ssize_t r = read(fd, buf, sizeof buf);
    if (r == 0) return std::nullopt;
    if (r < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return std::nullopt;
    }
    decoder.Feed(std::string_view(buf, static_cast<size_t>(r)));
  }
}

bool GuestChannel::Flush() {
  while (out_pos < out.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, -1) < 0 && errno != EINTR) return false;
    ssize_t n = write(fd, out.data() + out_pos, out.size() - out_pos);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (n > 0) out_pos += static_cast<size_t>(n);
  }
  out.clear();
  out_pos = 0;
  return true;
}

bool GuestChannel::Send(MsgType type, std::string_view payload) {
  proto::AppendFrame(&out, type, payload);
  return Flush();
}

void GuestChannel::Log(const std::string& line) {
  if (debug) Send(MsgType::kLog, line);
}

void GuestChannel::SendExitAndWaitQuit(const proto::InitReport& r, int timeout_ms) {
  if (!Send(MsgType::kExit, proto::EncodeExit(r))) return;
  while (auto f = ReadFrame(timeout_ms))
    if (f->type == MsgType::kQuit) return;
}

// oom_kill from /proc/vmstat: how many tasks the guest's OOM killer ended.
static long GuestOomKills() {
  int fd = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[8192];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  const char* p = strstr(buf, "\noom_kill ");
  return p ? strtol(p + 10, nullptr, 10) : 0;
}

bool RunCommand(const proto::InitSpec& spec, GuestChannel* ch, proto::InitReport* report,
                GuestFailure* why) {
  // PID 1 is immune to default-action signals (a write to a closed pipe is
  // EPIPE here); SIGPIPE must stay default so the command inherits it.
  int in_p[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
  int master = -1, slave = -1;
  CommandStdio cs;
  if (spec.tty) {
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
      why->step = "open pty";
      why->err = errno;
      return false;
    }
    slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0 || fchown(slave, spec.uid, spec.gid) != 0) {
      why->step = "open pty slave";
      why->err = errno;
      return false;
    }
    if (spec.rows && spec.cols) {
      winsize ws{spec.rows, spec.cols, 0, 0};
      ioctl(master, TIOCSWINSZ, &ws);
    }
    cs = {slave, slave, slave, true};
  } else {
    if (pipe2(in_p, O_CLOEXEC) || pipe2(out_p, O_CLOEXEC) || pipe2(err_p, O_CLOEXEC)) {
      why->step = "pipe";
      why->err = errno;
      return false;
    }
    cs = {in_p[0], out_p[1], err_p[1], false};
  }
  // DropCapabilities in the child needs CAP_SETPCAP after setresuid to the
  // caller's uid: keep the permitted set across that transition.
  prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
  const long ooms_before = GuestOomKills();
  Spawned sp = SpawnCommand(spec, cs);
  if (sp.pid < 0) {
    why->step = "fork command";
    why->err = errno;
    return false;
  }
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, sp.pid, 0));
  for (int fd : {in_p[0], out_p[1], err_p[1], slave})
    if (fd >= 0) close(fd);
  int to_child = spec.tty ? master : in_p[1];
  int from_out = spec.tty ? master : out_p[0];
  int from_err = spec.tty ? -1 : err_p[0];
  for (int fd : {to_child, from_out, from_err})
    if (fd >= 0) SetNonBlock(fd);

  Pending stdin_q;
  bool stdin_eof = false, child_done = false;
  int status = 0;
  char buf[proto::kDataChunk];
  auto close_fd = [](int* fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  };
  // Reads one chunk of command output into a frame. False at EOF (or, once the
  // command has exited, when nothing more is buffered: a background child that
  // keeps the pipe open must not hang the VM).
  auto pump = [&](int fd, MsgType type) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      proto::AppendFrame(&ch->out, type, std::string_view(buf, static_cast<size_t>(n)));
      return true;
    }
    if (n < 0 && (errno == EINTR || (errno == EAGAIN && !child_done))) return true;
    return false;
  };
  for (;;) {
    {
      // Frames already decoded come out before we sleep in poll: those that
      // arrived with SPEC during the handshake (an empty stdin's EOF,
      // typed-ahead input) would otherwise wait for the channel to become
      // readable again, which may never happen.
      while (auto f = ch->decoder.Next()) {
        if (f->type == MsgType::kStdin && to_child >= 0) {
          stdin_q.data.append(f->payload);
        } else if (f->type == MsgType::kStdinEof) {
          stdin_eof = true;
        } else if (f->type == MsgType::kSignal) {
          if (auto sig = proto::DecodeU32(f->payload); sig && *sig < 65 && !child_done)
            // The command's process group, with or without a tty (see
            // container_init.cc).
            if (kill(-sp.pid, static_cast<int>(*sig)) < 0) kill(sp.pid, static_cast<int>(*sig));
        } else if (f->type == MsgType::kWinsize && master >= 0) {
          winsize ws{};
          if (proto::DecodeWinsize(f->payload, &ws.ws_row, &ws.ws_col)) ioctl(master, TIOCSWINSZ, &ws);
        }
      }
    }
    if (stdin_eof && stdin_q.size() == 0 && !spec.tty && to_child >= 0) close_fd(&to_child);
    const size_t queued = ch->out.size() - ch->out_pos;
    const bool room = queued < proto::kMaxBuffered;
    if (child_done && from_out < 0 && from_err < 0 && queued == 0) break;
    if (child_done && room) {
      if (from_out >= 0 && !pump(from_out, MsgType::kStdout)) {
        if (from_out == to_child) to_child = -1;
        close_fd(&from_out);
      }
      if (from_err >= 0 && !pump(from_err, MsgType::kStderr)) close_fd(&from_err);
    }
    pollfd p[5] = {
        {ch->fd, static_cast<short>((stdin_q.size() < proto::kMaxBuffered ? POLLIN : 0) |
                                    (queued ? POLLOUT : 0)), 0},
        {room && !child_done ? from_out : -1, POLLIN, 0},
        {room && !child_done ? from_err : -1, POLLIN, 0},
        {stdin_q.size() && to_child >= 0 ? to_child : -1, POLLOUT, 0},
        {child_done ? -1 : pidfd, POLLIN, 0},
    };
    if (poll(p, 5, child_done ? 0 : -1) < 0 && errno != EINTR) break;
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(ch->fd, buf, sizeof buf);
      if (n > 0) ch->decoder.Feed(std::string_view(buf, static_cast<size_t>(n)));
    }
    if (p[0].revents & POLLOUT) {
      ssize_t n = write(ch->fd, ch->out.data() + ch->out_pos, ch->out.size() - ch->out_pos);
      if (n > 0) ch->out_pos += static_cast<size_t>(n);
      if (ch->out_pos == ch->out.size()) {
        ch->out.clear();
        ch->out_pos = 0;
      }
    }
    if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(from_out, MsgType::kStdout)) {
      if (from_out == to_child) to_child = -1;
      close_fd(&from_out);
    }
    if ((p[2].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(from_err, MsgType::kStderr))
      close_fd(&from_err);
    if (p[3].revents & (POLLOUT | POLLERR | POLLHUP)) {
      ssize_t n = write(to_child, stdin_q.data.data() + stdin_q.pos, stdin_q.size());
      if (n > 0) stdin_q.pos += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) stdin_q = {};  // the command closed stdin
      if (stdin_q.pos == stdin_q.data.size()) stdin_q = {};
    }
    if (stdin_eof && stdin_q.size() == 0 && !spec.tty && to_child >= 0) close_fd(&to_child);
    // Reap everything (orphans re-parent to us); the command's status is kept.
    for (int st;;) {
      pid_t r = waitpid(-1, &st, WNOHANG);
      if (r <= 0) break;
      if (r == sp.pid) {
        status = st;
        child_done = true;
      }
    }
  }
  if (to_child >= 0 && to_child != from_out) close(to_child);
  if (pidfd >= 0) close(pidfd);
  if (!ReadSpawnFailure(sp.exec_error_fd, report)) *report = ReportFromWaitStatus(status);
  // A SIGKILL while the guest's OOM killer acted: the guest ran out of its
  // RAM (--memory). The host turns the marker into a message.
  if (report->kind == proto::InitReport::kSignaled && report->code == SIGKILL && GuestOomKills() > ooms_before)
    proto::MakeReport(report, proto::InitReport::kSignaled, SIGKILL, 0, proto::kOomStep);
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  return ch->Flush();
}

}  // namespace vsb::init
