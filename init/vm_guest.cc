// PID 1 of a VM guest: boot steps, the channel handshake, then the relay
// (init/vm_guest_relay.cc). See vm_guest.h for the sequence.
#include "init/vm_guest.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "init/vm_guest_relay.h"
#include "proto/channel.h"

namespace vsb::init {
namespace {

constexpr int kPortTimeoutMs = 10000;
constexpr int kQuitTimeoutMs = 10000;

// Reports a setup failure: over the channel when it is up, always to the
// kernel log (shown by the host with the console tail), then powers off.
[[noreturn]] void Die(GuestChannel* ch, const GuestFailure& f) {
  KernelLog(f.step + ": " + strerror(f.err));
  if (ch && ch->fd >= 0) {
    proto::InitReport r;
    proto::MakeReport(&r, proto::InitReport::kSetupFailed, 0, f.err, f.step.c_str());
    ch->SendExitAndWaitQuit(r, kQuitTimeoutMs);
  }
  PowerOff();
}

}  // namespace

bool IsVmGuest() {
  return getpid() == 1 && fcntl(proto::kSpecFd, F_GETFD) < 0 && errno == EBADF;
}

// -l: an interactive root shell on the "vsb.shell" port, for debugging the
// guest; it runs beside the command and dies with the VM. The port is opened
// before the root switch: the sandbox's minimal /dev has no virtio ports.
int OpenDebugShellPort() {
  GuestFailure why;
  int fd = OpenPort("vsb.shell", 2000, &why);
  if (fd < 0) KernelLog("debug shell: " + why.step);
  return fd;
}

void StartDebugShell(int fd) {
  if (fd < 0) return;
  if (fork() == 0) {
    setsid();
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    execl("/bin/sh", "sh", "-i", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fd);
}

long GuestMs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int VmGuestMain() {
  GuestFailure why;
  const long t_start = GuestMs();
  if (!MountEarly(&why)) Die(nullptr, why);
  if (std::string floor = FloorCommand(); !floor.empty()) FloorMain(floor);
  if (!LoadModules("/modules.list", "/modules", &why)) Die(nullptr, why);
  const long t_modules = GuestMs();
  GuestChannel ch;
  ch.fd = OpenPort("vsb.channel", kPortTimeoutMs, &why);
  if (ch.fd < 0) Die(nullptr, why);
  const long t_port = GuestMs();
  fcntl(ch.fd, F_SETFL, fcntl(ch.fd, F_GETFL) | O_NONBLOCK);

  // Handshake: HELLO → READY; then SETUP and SPEC.
  std::optional<proto::Frame> f = ch.ReadFrame(-1);
  if (!f || f->type != proto::MsgType::kHello) Die(nullptr, {"channel handshake: no HELLO", EPROTO});
  auto version = proto::DecodeU32(f->payload);
  ch.Send(proto::MsgType::kReady, proto::EncodeU32(proto::kChannelVersion));
  if (!version || *version != proto::kChannelVersion)
    Die(&ch, {"channel handshake: host speaks another protocol version", EPROTO});
  f = ch.ReadFrame(-1);
  std::optional<proto::GuestSetup> setup;
  if (f && f->type == proto::MsgType::kSetup) setup = proto::GuestSetup::Decode(f->payload);
  if (!setup) Die(&ch, {"channel: malformed SETUP", EPROTO});
  f = ch.ReadFrame(-1);
  std::optional<proto::InitSpec> spec;
  if (f && f->type == proto::MsgType::kSpec) spec = proto::InitSpec::Decode(f->payload);
  if (!spec) Die(&ch, {"channel: malformed SPEC", EPROTO});
  ch.debug = setup->debug;
  ch.Log("init at guest uptime " + std::to_string(t_start) + " ms; modules loaded in " +
         std::to_string(t_modules - t_start) + " ms; port open in " + std::to_string(t_port - t_modules) +
         " ms (guest clock)");

  const long t_root = GuestMs();
  const int shell_fd = setup->debug_shell ? OpenDebugShellPort() : -1;
  if (!BuildGuestRoot(*setup, spec->uid, spec->gid, &why)) Die(&ch, why);
  if (!BringUpLoopback(&why)) Die(&ch, why);
  if (!ConfigureGuestNetwork(*setup, &why)) Die(&ch, why);
  if (!LimitGuestTasks(setup->pids_max, &why)) Die(&ch, why);
  StartDebugShell(shell_fd);
  ch.Log("root mounted and switched in " + std::to_string(GuestMs() - t_root) + " ms (guest clock)");
  // A cwd missing in the guest (e.g. under the host's /tmp) falls back to /.
  struct stat st;
  if (!spec->cwd_required && (stat(spec->cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
    spec->cwd.assign(1, '/');

  proto::InitReport report;
  const long t_cmd = GuestMs();
  if (!RunCommand(*spec, &ch, &report, &why)) Die(&ch, why);
  ch.Log("command ran and output drained in " + std::to_string(GuestMs() - t_cmd) + " ms (guest clock)");
  sync();
  ch.SendExitAndWaitQuit(report, kQuitTimeoutMs);
  PowerOff();
}

}  // namespace vsb::init
