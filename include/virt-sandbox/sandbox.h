// Running a sandbox: the library's entry point.
//
//   vsb::SandboxConfig config;
//   config.command = {"/bin/sh", "-c", "id"};
//   vsb::RunResult result = vsb::Run(config);
//   return result.ExitStatus();
#pragma once

#include <optional>
#include <string>

#include "virt-sandbox/config.h"
#include "virt-sandbox/error.h"

namespace vsb {

// How a run ended. A command that fails is a result, not an error.
struct RunResult {
  enum class Kind {
    kExited,        // code = the command's exit code
    kSignaled,      // signal = the signal that killed it
    kTimedOut,      // --timeout fired and the sandbox was ended
    kNotFound,      // the command does not exist (127)
    kNotExecutable, // the command exists but could not be executed (126)
    kSetupFailed,   // the sandbox could not be set up; error says why
  };
  Kind kind = Kind::kSetupFailed;
  int code = 0;
  int signal = 0;
  std::optional<Error> error;  // set for kSetupFailed, kNotFound, kNotExecutable

  // The process exit status the CLI returns: code, 128+signal, 124, 127,
  // 126 or 125.
  int ExitStatus() const;
  static RunResult Failed(Error e) {
    RunResult r;
    r.kind = Kind::kSetupFailed;
    r.error = std::move(e);
    return r;
  }
};

// The caller's stdio, handed to the sandbox as-is unless a terminal is used.
struct Stdio {
  int in = 0;
  int out = 1;
  int err = 2;
};

// Runs config.command confined and waits for it. Blocks SIGINT, SIGTERM,
// SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH in the calling thread while it
// runs and forwards them into the sandbox.
RunResult Run(const SandboxConfig& config, const Stdio& stdio = {});

// The compiled plan as JSON (what --dump-plan prints), or an error.
std::string DumpPlan(const SandboxConfig& config, std::optional<Error>* error);

// Library version, e.g. "0.1.0".
const char* Version();

}  // namespace vsb
