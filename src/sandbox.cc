// The façade: config → policy::Compile → the chosen engine → RunResult.
#include "virt-sandbox/sandbox.h"

#include "version.h"

namespace vsb {

const char* Version() { return VSB_VERSION; }

int RunResult::ExitStatus() const {
  switch (kind) {
    case Kind::kExited:
      return code;
    case Kind::kSignaled:
      return 128 + signal;
    case Kind::kTimedOut:
      return 124;
    case Kind::kNotFound:
      return 127;
    case Kind::kNotExecutable:
      return 126;
    case Kind::kSetupFailed:
      return 125;
  }
  return 125;
}

RunResult Run(const SandboxConfig&, const Stdio&) {
  return RunResult::Failed(Error(ErrorCode::kUnsupported, "engine not built yet"));
}

std::string DumpPlan(const SandboxConfig&, std::optional<Error>* error) {
  if (error) *error = Error(ErrorCode::kUnsupported, "engine not built yet");
  return "";
}

}  // namespace vsb
