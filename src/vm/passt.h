// passt: user-mode networking for a VM NIC (-N user). One passt per
// interface, holding one end of a connected socketpair whose other end QEMU
// inherits. It runs as the caller (root callers: passt itself drops to
// nobody), outside QEMU's namespaces, dies with the launcher
// (PR_SET_PDEATHSIG); the destructor kills and reaps it on every path.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "policy/network_plan.h"

namespace vsb::vm {

class Passt {
 public:
  // Starts passt for `iface` on the connected socket `socket_fd` (it becomes
  // passt's fd 3). Its messages go to `log_fd`.
  static Result<Passt> Start(const policy::PlannedInterface& iface, int socket_fd, int log_fd);
  Passt(Passt&& o) noexcept : pid_(std::exchange(o.pid_, -1)), pidfd_(std::move(o.pidfd_)) {}
  Passt& operator=(Passt&&) = delete;
  ~Passt();

 private:
  Passt(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  pid_t pid_ = -1;
  UniqueFd pidfd_;
};

// passt's argv (pure; golden-tested). The defaults of passt would forward the
// guest's connections to the host's loopback (--no-map-gw stops that) and
// bind nothing on the host unless `publish=` asks.
std::vector<std::string> PasstArgv(const policy::PlannedInterface& iface, int fd);

}  // namespace vsb::vm
