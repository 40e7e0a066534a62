// CommandLine: what the user typed, before it becomes a SandboxConfig.
//
// options.cc fills it from argv with getopt_long (syntax only: which options, how
// many values); config_builder.cc turns it into a SandboxConfig with the
// config layer's parsers (meaning: sizes, paths, names). Scalars are optional
// so that only options actually given override the --config file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "virt-sandbox/config.h"

namespace vsb::cli {

enum class Action { kRun, kDumpConfig, kDumpPlan, kVersion, kHelp };

struct CommandLine {
  Action action = Action::kRun;
  std::string help;  // the --help text, for Action::kHelp

  std::optional<std::string> config_file;  // --config
  std::optional<std::string> uri, name, switch_to, root, hostname, cwd;
  std::optional<std::string> timeout, memory, cpus, pids, seccomp;
  std::optional<std::string> kernver, kernpath, kmodpath, accel;
  std::vector<std::string> env, mounts, includes, include_files, networks, expose, pass_fds;
  bool privileged = false, verbose = false, debug = false, shell = false;
  bool tty = false, no_tty = false;
  std::vector<std::string> command;
};

// Parses argv. A syntax error (unknown option, missing value) is an Error
// whose message names the option; --help and -V set the action.
Result<CommandLine> ParseCommandLine(int argc, char** argv);

// The effective config: the --config file (if any), then the options given on
// the command line (scalars replace, repeatable options append), validated.
Result<SandboxConfig> BuildConfig(const CommandLine& cl);

}  // namespace vsb::cli
