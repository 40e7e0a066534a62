#include "cli/run_command.h"

#include <cstdio>
#include <optional>
#include <string>

#include "cli/diagnostics.h"
#include "config/toml_config.h"
#include "virt-sandbox/sandbox.h"

namespace vsb::cli {
namespace {

int WriteStdout(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    PrintUsageError("cannot write to standard output");
    return kSetupFailed;
  }
  return 0;
}

}  // namespace

int RunSandbox(const SandboxConfig& config) {
  std::fflush(stdout);
  RunResult result = vsb::Run(config, {});
  if (result.error) PrintRunError(result.error->message());
  return result.ExitStatus();
}

int DumpConfig(const SandboxConfig& config) { return WriteStdout(config::ToToml(config)); }

int DumpPlan(const SandboxConfig& config) {
  std::optional<Error> error;
  std::string json = vsb::DumpPlan(config, &error);
  if (error) {
    PrintRunError(error->message());
    return kSetupFailed;
  }
  if (!json.empty() && json.back() != '\n') json += '\n';
  return WriteStdout(json);
}

}  // namespace vsb::cli
