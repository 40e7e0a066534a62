// The option table of `virt-sandbox [OPTIONS] [--] COMMAND [ARGS...]`.
//
// glibc's getopt_long only checks syntax here; every value stays a string
// until config_builder.cc parses it, so each error can name the bad part
// precisely. Parsing stops at the first positional argument or at `--`
// ("+" in the short-option string), so in `virt-sandbox ls -l` the `-l`
// belongs to ls, not to --shell. (CLI11 did this before and cost half of the
// launcher's instructions just to build its option objects at every start.)
#include <getopt.h>

#include <cstring>
#include <string_view>

#include "cli/command_line.h"
#include "config/quote.h"

namespace vsb::cli {
namespace {

constexpr const char* kDescription =
    "Run a host program in a confined sandbox: a container (-c lxc:///, the default) or a\n"
    "virtual machine (-c qemu:///session). The host root is shown read-only; the command gets\n"
    "private /tmp, no network and no capabilities unless options say otherwise.\n";

enum class Kind { kScalar, kRepeated, kFlag };

struct Flags {
  bool dump_config = false, dump_plan = false, version = false, help = false;
};

// One option: its names, what it fills, and its line in --help.
struct Spec {
  char short_name;  // 0: long only
  const char* long_name;
  Kind kind;
  const char* value;  // placeholder shown in --help; nullptr for flags
  const char* help;
  std::optional<std::string> CommandLine::*scalar = nullptr;
  std::vector<std::string> CommandLine::*repeated = nullptr;
  bool CommandLine::*flag = nullptr;
  bool Flags::*action = nullptr;
};

using CL = CommandLine;
constexpr Kind S = Kind::kScalar, R = Kind::kRepeated, F = Kind::kFlag;

const Spec kSpecs[] = {
    {'c', "connect", S, "URI", "engine: lxc:/// (default), qemu:///session, qemu:///system", &CL::uri},
    {'n', "name", S, "NAME", "sandbox name (default: unique)", &CL::name},
    {'e', "env", R, "KEY=VALUE", "set an environment variable (repeatable)", nullptr, &CL::env},
    {'m', "mount", R, "TYPE:DST=SRC", "add a mount: host-bind, host-image, guest-bind, ram (repeatable)",
     nullptr, &CL::mounts},
    {'i', "include", R, "GUEST=HOST", "copy a host file into a host-bind temp dir (repeatable)", nullptr,
     &CL::includes},
    {'I', "includefile", R, "FILE", "file of GUEST=HOST lines", nullptr, &CL::include_files},
    {'N', "network", R, "KEY=VAL,...",
     "add a network interface eth0, eth1, ... (repeatable): user (default) or bridge=BR, dhcp, "
     "address=IP/P, route=NET/P%GW, dns=IP, mac=, mtu=, publish=HP:SP[/udp], "
     "filter=allow-all|deny-all|allow-dns, filter.allow|deny=DIR:PROTO:ADDR:PORT, "
     "filter.default=allow|deny (see man virt-sandbox)",
     nullptr, &CL::networks},
    {'p', "privileged", F, nullptr, "root inside the sandbox (still namespaced)", nullptr, nullptr,
     &CL::privileged},
    {'S', "switchto", S, "USER", "run the command as USER (root callers only)", &CL::switch_to},
    {'r', "root", S, "DIR", "use DIR as the sandbox root instead of /", &CL::root},
    {0, "hostname", S, "NAME", "hostname inside (default: the sandbox name)", &CL::hostname},
    {0, "cwd", S, "DIR", "working directory inside", &CL::cwd},
    {0, "tty", F, nullptr, "always give the command a terminal", nullptr, nullptr, &CL::tty},
    {0, "no-tty", F, nullptr, "never give the command a terminal", nullptr, nullptr, &CL::no_tty},
    {0, "timeout", S, "SECONDS", "end the sandbox after SECONDS (exit 124)", &CL::timeout},
    {'v', "verbose", F, nullptr, "print what is being set up", nullptr, nullptr, &CL::verbose},
    {'d', "debug", F, nullptr, "print debugging detail", nullptr, nullptr, &CL::debug},
    {'V', "version", F, nullptr, "print the version and exit", nullptr, nullptr, nullptr, &Flags::version},
    {'h', "help", F, nullptr, "print this help and exit", nullptr, nullptr, nullptr, &Flags::help},
    {0, "config", S, "FILE", "read options from a TOML file first", &CL::config_file},
    {0, "dump-config", F, nullptr, "print the effective config as TOML and exit", nullptr, nullptr,
     nullptr, &Flags::dump_config},
    {0, "dump-plan", F, nullptr, "print the compiled plan as JSON and exit", nullptr, nullptr, nullptr,
     &Flags::dump_plan},
    {0, "memory", S, "SIZE", "memory limit, e.g. 512M", &CL::memory},
    {0, "cpus", S, "N", "CPU limit, fractional allowed, e.g. 0.5", &CL::cpus},
    {0, "pids", S, "N", "limit on the number of processes", &CL::pids},
    {0, "seccomp", S, "PROFILE|FILE|unconfined", "system call filter (default: default)", &CL::seccomp},
    {0, "expose", R, "PATH", "show a path hidden by default (repeatable)", nullptr, &CL::expose},
    {0, "pass-fd", R, "N", "pass file descriptor N into the sandbox (repeatable)", nullptr, &CL::pass_fds},
    {0, "kernver", S, "VERSION", "VM: guest kernel release (default: uname -r)", &CL::kernver},
    {0, "kernpath", S, "FILE", "VM: kernel image", &CL::kernpath},
    {0, "kmodpath", S, "DIR", "VM: kernel module root", &CL::kmodpath},
    {0, "accel", S, "kvm|tcg", "VM: accelerator (default: automatic)", &CL::accel},
    {'l', "shell", F, nullptr, "VM: start a debug shell on a second console", nullptr, nullptr, &CL::shell},
};
constexpr size_t kCount = sizeof kSpecs / sizeof kSpecs[0];

std::string Names(const Spec& s) {
  std::string n = s.short_name ? std::string("-") + s.short_name + ", " : "    ";
  return n + "--" + s.long_name + (s.value ? std::string(" ") + s.value : "");
}

std::string HelpText() {
  std::string out = "Usage: virt-sandbox [OPTIONS] [--] COMMAND [ARGS...]\n\n";
  out += kDescription;
  out += "\nOptions:\n";
  for (const Spec& s : kSpecs) {
    std::string names = "  " + Names(s);
    out += names + (names.size() < 32 ? std::string(32 - names.size(), ' ') : "\n" + std::string(32, ' '));
    // Wrap the help text at word boundaries to fit 100 columns.
    std::string_view help = s.help;
    while (help.size() > 68) {
      size_t cut = help.rfind(' ', 68);
      if (cut == std::string_view::npos) break;
      out += std::string(help.substr(0, cut)) + "\n" + std::string(32, ' ');
      help.remove_prefix(cut + 1);
    }
    out += std::string(help) + "\n";
  }
  return out;
}

// getopt's tables: "+" stops at the first positional, ":" reports a missing
// value as ':' instead of printing its own message.
struct Tables {
  std::string shorts = "+:";
  option longs[kCount + 1] = {};
  Tables() {
    for (size_t i = 0; i < kCount; ++i) {
      const Spec& s = kSpecs[i];
      int arg = s.kind == F ? no_argument : required_argument;
      longs[i] = option{s.long_name, arg, nullptr, static_cast<int>(256 + i)};
      if (s.short_name) shorts += std::string(1, s.short_name) + (arg ? ":" : "");
    }
  }
};

const Spec* ByShort(int c) {
  for (const Spec& s : kSpecs)
    if (s.short_name == c) return &s;
  return nullptr;
}

void Store(const Spec& s, const char* value, CommandLine& cl, Flags& flags) {
  if (s.scalar) cl.*s.scalar = value;  // the last occurrence wins, as with most tools
  if (s.repeated) (cl.*s.repeated).push_back(value);
  if (s.flag) cl.*s.flag = true;
  if (s.action) flags.*s.action = true;
}

// getopt_long accepts any unique prefix of a long option; we do not: a
// script written against today's options must not change meaning when an
// option is added.
bool IsFullName(const char* typed, const char* name) {
  size_t n = strlen(name);
  return strncmp(typed, "--", 2) == 0 && strncmp(typed + 2, name, n) == 0 &&
         (typed[2 + n] == '\0' || typed[2 + n] == '=');
}

// Names the option getopt stopped at, as the user typed it.
std::string Typed(char** argv, int index, int optopt_value) {
  if (optopt_value > 0 && optopt_value < 256) return std::string("-") + static_cast<char>(optopt_value);
  std::string arg = argv[index - 1];
  return arg.substr(0, arg.find('='));
}

}  // namespace

Result<CommandLine> ParseCommandLine(int argc, char** argv) {
  CommandLine cl;
  Flags flags;
  static const Tables tables;
  optind = 0;  // full re-initialisation: ParseCommandLine may be called more than once
  opterr = 0;
  for (;;) {
    const int at = optind ? optind : 1;  // the element getopt reads next
    int c = getopt_long(argc, argv, tables.shorts.c_str(), tables.longs, nullptr);
    if (c == -1) break;
    if (c >= 256 && !IsFullName(argv[at], kSpecs[c - 256].long_name))
      return FailInvalid("abbreviated option " + config::Quote(argv[at]) + ": write --" +
                         kSpecs[c - 256].long_name + " in full");
    if (c == '?' || c == ':') {
      std::string opt = Typed(argv, optind, optopt);
      if (c == ':') {
        const Spec* s = optopt > 0 && optopt < 256 ? ByShort(optopt) : nullptr;
        if (!s && optopt >= 256) s = &kSpecs[optopt - 256];
        std::string name = s ? std::string("--") + s->long_name : opt;
        return FailInvalid("option " + name + " needs a value (see virt-sandbox --help)");
      }
      return FailInvalid("unknown option " + config::Quote(opt) +
                         " (see virt-sandbox --help; a command starting with - goes after --)");
    }
    const Spec* s = c >= 256 ? &kSpecs[c - 256] : ByShort(c);
    if (s) Store(*s, optarg, cl, flags);
  }
  if (flags.help) {
    cl.action = Action::kHelp;
    cl.help = HelpText();
    return cl;
  }
  for (int i = optind; i < argc; ++i) cl.command.emplace_back(argv[i]);
  if (cl.tty && cl.no_tty) return FailInvalid("--tty and --no-tty exclude each other (choose one)");
  if (flags.version) {
    cl.action = Action::kVersion;
  } else if (flags.dump_config && flags.dump_plan) {
    return FailInvalid("--dump-config and --dump-plan exclude each other (choose one)");
  } else if (flags.dump_config) {
    cl.action = Action::kDumpConfig;
  } else if (flags.dump_plan) {
    cl.action = Action::kDumpPlan;
  }
  return cl;
}

}  // namespace vsb::cli
