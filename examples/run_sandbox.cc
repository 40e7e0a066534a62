// Runs `/bin/sh -c 'echo hello from $(hostname)'` in a container sandbox
// through the library API and returns its exit status.
#include <cstdio>

#include "virt-sandbox/sandbox.h"

int main() {
  vsb::SandboxConfig config;
  config.command = {"/bin/sh", "-c", "echo hello from $(hostname)"};
  config.hostname = "example";
  vsb::RunResult result = vsb::Run(config);
  if (result.error) std::fprintf(stderr, "run_sandbox_example: %s\n", result.error->message().c_str());
  return result.ExitStatus();
}
