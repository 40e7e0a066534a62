#include "vm/qemu_argv.h"

namespace vsb::vm {
namespace {

// QEMU option values are comma-separated; a literal comma is doubled.
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    out.push_back(c);
    if (c == ',') out.push_back(',');
  }
  return out;
}

}  // namespace

std::vector<std::string> QemuArgv(const policy::VmPlan& p, const QemuPaths& paths) {
  const bool kvm = p.accel == "kvm";
  // microvm: no PCI, no BIOS probing. TCG needs the PIT and PIC to calibrate
  // its clock (no kvmclock); the RTC avoids two 1 s CMOS polls (pitfalls 5, 6).
  std::string machine = "microvm,x-option-roms=off,isa-serial=on,rtc=on";
  machine += kvm ? ",pit=off,pic=off" : ",pit=on,pic=on";
  std::vector<std::string> a = {p.qemu, "-M", machine};
  if (!p.firmware.empty()) a.insert(a.end(), {"-bios", p.firmware});
  a.insert(a.end(), {"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                     // QEMU's own seccomp filter: no exec, no privilege changes.
                     "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
                     "-accel", p.accel, "-cpu", p.cpu, "-smp", std::to_string(p.vcpus), "-m",
                     std::to_string(p.memory_mib), "-kernel", paths.vmlinux, "-initrd",
                     paths.initrd, "-append", p.kernel_cmdline});
  for (size_t i = 0; i < p.shares.size(); ++i) {
    const auto& s = p.shares[i];
    std::string path = i < paths.share_paths.size() ? paths.share_paths[i] : s.host_path;
    // security_model=none: files are accessed with QEMU's own identity, which
    // is the caller's, so the guest reads only what the caller could.
    std::string fsdev = "local,id=" + s.tag + ",path=" + Escape(path) +
                        ",security_model=none,multidevs=remap";
    if (s.readonly) fsdev += ",readonly=on";
    a.insert(a.end(), {"-fsdev", fsdev, "-device",
                       "virtio-9p-device,fsdev=" + s.tag + ",mount_tag=" + s.tag});
  }
  for (const auto& d : p.disks) {
    std::string drive = "if=none,id=" + d.id + ",file=" + Escape(d.host_path) +
                        ",format=" + d.format + ",cache=writeback";
    if (d.readonly) drive += ",readonly=on";
    a.insert(a.end(), {"-drive", drive, "-device",
                       "virtio-blk-device,drive=" + d.id + ",serial=" + d.id});
  }
  // -N user: a virtio-net NIC whose frames go to passt over an inherited,
  // already connected socket (passt runs outside QEMU's namespaces; no path
  // exists that another local user could connect to first).
  // -N bridge=: a tap the launcher created and plugged into the bridge.
  for (size_t i = 0; i < p.network.interfaces.size() && i < paths.net_fds.size(); ++i) {
    const std::string id = "net" + std::to_string(i);
    const std::string fd = std::to_string(paths.net_fds[i]);
    const bool tap = p.network.interfaces[i].mode == policy::PlannedInterface::Mode::kBridge;
    a.insert(a.end(), {"-netdev", tap ? "tap,id=" + id + ",fd=" + fd
                                      : "stream,id=" + id + ",server=off,addr.type=fd,addr.str=" + fd,
                       "-device", "virtio-net-device,netdev=" + id + ",mac=" + p.network.interfaces[i].mac});
  }
  // One multiplexed channel on a virtserialport: unlike virtconsole ports it
  // throttles instead of dropping data when the host reads slowly (pitfall 11).
  const bool shell = p.setup.debug_shell && !paths.shell_socket.empty();
  a.insert(a.end(), {"-device", shell ? "virtio-serial-device,id=vs,max_ports=3"
                                      : "virtio-serial-device,id=vs,max_ports=2",
                     "-chardev",
                     "socket,id=vsbchan,fd=" + std::to_string(paths.channel_fd), "-device",
                     std::string("virtserialport,bus=vs.0,nr=1,chardev=vsbchan,name=") +
                         kChannelPortName,
                     "-chardev", "file,id=vsblog,path=" + Escape(paths.console_log), "-serial",
                     "chardev:vsblog", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x01"});
  if (shell)
    a.insert(a.end(), {"-chardev",
                       "socket,id=vsbshell,server=on,wait=off,path=" + Escape(paths.shell_socket),
                       "-device",
                       std::string("virtserialport,bus=vs.0,nr=2,chardev=vsbshell,name=") +
                           kShellPortName});
  return a;
}

}  // namespace vsb::vm
