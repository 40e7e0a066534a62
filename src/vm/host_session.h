// The host side of one guest session: handshake, SETUP and SPEC, stdio relay
// with bounded buffers, signal forwarding, timeouts, and the guest's EXIT
// turned into a RunResult. Never waits without a bound on a guest that does
// not answer.
#pragma once

#include <string>

#include "policy/vm_plan.h"
#include "virt-sandbox/sandbox.h"
#include "vm/qemu_process.h"

namespace vsb::vm {

struct SessionEnv {
  int channel_fd = -1;            // host end of the channel socketpair
  QemuProcess* qemu = nullptr;
  std::string console_log;        // for boot-failure messages
  std::string qemu_log;           // QEMU's own stderr
  double started_monotonic = 0;   // seconds, when Run began (for --timeout)
};

RunResult RunSession(const policy::VmPlan& plan, const Stdio& stdio, const SessionEnv& env);

// Pure: the guest's EXIT report as a RunResult.
RunResult ResultFromReport(const proto::InitReport& r);

// The last `lines` non-empty lines of a text file, joined with `sep`.
std::string FileTail(const std::string& path, int lines, const std::string& sep = "\n");

double MonotonicSeconds();

}  // namespace vsb::vm
