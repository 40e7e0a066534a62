#include "container/wait.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstring>

#include "base/syscalls.h"
#include "base/fd_passing.h"
#include "io/raw_terminal.h"
#include "io/terminal_relay.h"

namespace vsb::container {
namespace {

int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void Forward(LaunchState& st, int sig) {
  if (sig == SIGCHLD || sig == SIGWINCH) return;
  sys::PidfdSendSignal(st.pidfd.get(), sig);
}

void DrainSignals(LaunchState& st) {
  signalfd_siginfo info;
  while (read(st.signal_fd.get(), &info, sizeof info) == sizeof info)
    Forward(st, static_cast<int>(info.ssi_signo));
}

void Kill(LaunchState& st) { sys::PidfdSendSignal(st.pidfd.get(), SIGKILL); }

void ReadReport(LaunchState& st) {
  proto::InitReport r;
  if (read(st.report_rd.get(), &r, sizeof r) == sizeof r && r.magic == proto::InitReport::kMagic)
    st.report = r;
  st.report_rd.reset();
}

// Polls until init ends; returns the fd among `extra` that fired first, or -1.
int PollUntil(LaunchState& st, int64_t deadline, int extra) {
  for (;;) {
    pollfd p[3] = {{st.pidfd.get(), POLLIN, 0}, {st.signal_fd.get(), POLLIN, 0}, {extra, POLLIN, 0}};
    int timeout = -1;
    if (deadline > 0 && !st.timed_out) timeout = static_cast<int>(std::max<int64_t>(0, deadline - NowMs()));
    int n = poll(p, 3, timeout);
    if (n < 0 && errno != EINTR) return -1;
    if (n == 0) {
      st.timed_out = true;
      Kill(st);
      continue;
    }
    if (p[1].revents & POLLIN) DrainSignals(st);
    if (p[2].revents & (POLLIN | POLLHUP)) return extra;
    if (p[0].revents & POLLIN) return -1;
  }
}

Status RelayTty(LaunchState& st, const Stdio& stdio, int64_t deadline) {
  if (PollUntil(st, deadline, st.control_parent.get()) < 0) return {};
  auto master = RecvFd(st.control_parent.get());
  if (!master) return {};  // init ended before sending a terminal: its report says why
  std::optional<io::RawTerminal> raw;
  if (auto r = io::RawTerminal::Enter(stdio.in); r) raw.emplace(std::move(*r));
  UniqueFd done(epoll_create1(EPOLL_CLOEXEC));
  UniqueFd timer;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = st.pidfd.get();
  epoll_ctl(done.get(), EPOLL_CTL_ADD, st.pidfd.get(), &ev);
  if (deadline > 0) {
    timer.reset(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    itimerspec its{};
    int64_t left = std::max<int64_t>(1, deadline - NowMs());
    its.it_value.tv_sec = left / 1000;
    its.it_value.tv_nsec = (left % 1000) * 1000000;
    timerfd_settime(timer.get(), 0, &its, nullptr);
    ev.data.fd = timer.get();
    epoll_ctl(done.get(), EPOLL_CTL_ADD, timer.get(), &ev);
  }
  io::RelayOptions options;
  options.host_in = stdio.in;
  options.host_out = stdio.out;
  options.master = master->get();
  options.done_fd = done.get();
  options.signal_fd = st.signal_fd.get();
  options.on_signal = [&st](int sig) { Forward(st, sig); };
  auto end = io::RelayTerminal(options);
  if (end && *end == io::RelayEnd::kEscape) {
    st.escaped = true;
    Kill(st);
  }
  uint64_t expirations = 0;
  if (timer && read(timer.get(), &expirations, sizeof expirations) == sizeof expirations) {
    st.timed_out = true;
    Kill(st);
  }
  if (!end) {
    Kill(st);  // the host terminal is gone: nobody can talk to the sandbox
    return std::unexpected(end.error());
  }
  return {};
}

}  // namespace

Status WaitForSandbox(const policy::ContainerPlan& plan, LaunchState& st, const Stdio& stdio) {
  int64_t deadline = plan.timeout_seconds > 0 ? NowMs() + static_cast<int64_t>(std::ceil(plan.timeout_seconds * 1000)) : 0;
  Status relayed;
  if (plan.tty) relayed = RelayTty(st, stdio, deadline);
  PollUntil(st, deadline, -1);
  int status = 0;
  while (waitpid(st.init_pid, &status, 0) < 0 && errno == EINTR) {
  }
  st.wait_status = status;
  st.pidfd.reset();
  ReadReport(st);
  return relayed;
}

RunResult Conclude(const policy::ContainerPlan& plan, LaunchState& st) {
  RunResult r;
  const std::string& cmd = plan.argv.front();
  if (st.timed_out) {
    r.kind = RunResult::Kind::kTimedOut;
    char buf[64];
    snprintf(buf, sizeof buf, "%g", plan.timeout_seconds);
    r.error = Error(ErrorCode::kTimeout, std::string("command timed out after ") + buf + " s; the sandbox was ended");
    return r;
  }
  if (!st.report) {
    if (st.escaped) {
      r.kind = RunResult::Kind::kSignaled;
      r.signal = SIGKILL;
      return r;
    }
    std::string how = WIFSIGNALED(st.wait_status)
                          ? "was killed by signal " + std::to_string(WTERMSIG(st.wait_status))
                          : "exited with " + std::to_string(WEXITSTATUS(st.wait_status));
    return RunResult::Failed(Error(ErrorCode::kInternal, "sandbox init " + how + " before reporting"));
  }
  const proto::InitReport& rep = *st.report;
  switch (rep.kind) {
    case proto::InitReport::kExited:
      r.kind = RunResult::Kind::kExited;
      r.code = rep.code;
      break;
    case proto::InitReport::kSignaled:
      r.kind = RunResult::Kind::kSignaled;
      r.signal = rep.code;
      if (rep.code == SIGKILL && st.cgroup && st.cgroup->MemoryLimitHit())
        r.error = Error(ErrorCode::kInternal, "the sandbox exceeded its memory limit (--memory) and was killed");
      break;
    case proto::InitReport::kExecFailed:
      r.kind = rep.sys_errno == ENOENT ? RunResult::Kind::kNotFound : RunResult::Kind::kNotExecutable;
      r.error = rep.sys_errno == ENOENT
                    ? Error(ErrorCode::kNotFound, cmd + ": command not found in the sandbox")
                    : Error::FromErrno(rep.sys_errno, cmd + ": cannot execute");
      break;
    default: {
      std::string step(rep.step, strnlen(rep.step, sizeof rep.step));
      return RunResult::Failed(Error::FromErrno(rep.sys_errno, step));
    }
  }
  return r;
}

}  // namespace vsb::container
