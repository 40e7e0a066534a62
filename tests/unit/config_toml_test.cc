// The config file: round trip, unknown keys, wrong types, syntax errors.
#include <gtest/gtest.h>

#include "config/option_parsers.h"
#include "config/toml_config.h"

namespace vsb::config {
namespace {

// A config with every field away from its default.
SandboxConfig Everything() {
  SandboxConfig c;
  c.uri = "qemu:///session";
  c.name = "web-1";
  c.command = {"/bin/sh", "-c", "echo \"hi\" \\ $HOME\t# not a comment"};
  c.env = {{"A", "1"}, {"LANG", "C.UTF-8"}, {"Z_", ""}};
  Mount bind;
  bind.kind = MountKind::kHostBind;
  bind.target = "/data";
  bind.source = "/srv/data";
  Mount temp;
  temp.kind = MountKind::kHostBind;
  temp.target = "/scratch";
  temp.writable = false;
  Mount image;
  image.kind = MountKind::kHostImage;
  image.target = "/img";
  image.source = "/var/lib/disk.qcow2";
  image.format = "qcow2";
  image.writable = false;
  Mount guest;
  guest.kind = MountKind::kGuestBind;
  guest.target = "/alias";
  guest.source = "/tmp";
  Mount ram;
  ram.kind = MountKind::kRam;
  ram.target = "/tmp";
  ram.size_bytes = (64ull << 20) + 1;
  c.mounts = {bind, temp, image, guest, ram};
  c.includes = {{"/scratch/a.txt", "/etc/hosts"}, {"/scratch/b", "/etc/group"}};
  c.privileged = true;
  c.switch_to = "nobody";
  c.root = "/srv/root";
  c.hostname = "box";
  c.cwd = "/scratch";
  c.tty = TtyMode::kNever;
  c.timeout_seconds = 0.1;
  c.verbose = true;
  c.debug = true;
  c.kernver = "6.1.0-13-amd64";
  c.kernpath = "/boot/vmlinuz";
  c.kmodpath = "/lib/modules";
  c.accel = "tcg";
  c.debug_shell = true;
  c.memory_bytes = 3ull << 30;
  c.cpus = 1.25;
  c.pids = 64;
  c.seccomp = "/etc/vsb/strict.seccomp";
  c.expose = {"/home/me/.ssh", "/etc/shadow"};
  c.pass_fds = {5, 3};
  return c;
}

TEST(ConfigToml, RoundTripsEveryField) {
  SandboxConfig c = Everything();
  std::string text = ToToml(c);
  auto back = ParseToml(text, "dump.toml");
  ASSERT_TRUE(back.has_value()) << back.error().message() << "\n" << text;
  EXPECT_TRUE(*back == c) << text;
  EXPECT_EQ(ToToml(*back), text);
}

TEST(ConfigToml, DefaultsWriteNothingAndReadBack) {
  SandboxConfig d;
  EXPECT_EQ(ToToml(d), "");
  auto back = ParseToml("", "empty.toml");
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == d);
}

TEST(ConfigToml, RoundTripsControlCharactersAndUnicode) {
  SandboxConfig c;
  c.command = {"printf", std::string("a\x01\x1b[2J\x7f\n", 9), "héllo ✓"};
  c.env = {{"X", "tab\there"}};
  auto back = ParseToml(ToToml(c), "dump.toml");
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_TRUE(*back == c);
}

TEST(ConfigToml, ReadsTheDocumentedSchema) {
  auto c = ParseToml(R"(
uri = "lxc:///"
command = ["ls", "-l"]
timeout = 30
tty = "always"
pass_fds = [3]
[env]
LANG = "C"
[[mount]]
type = "ram"
target = "/tmp"
size = "64M"
[[mount]]
type = "host-image"
target = "/img"
source = "/d.img"
[[mount]]
type = "host-bind"
target = "/t"
[[include]]
guest = "/t/x"
host = "/etc/hosts"
[limits]
memory = 536870912
cpus = 2
pids = 10
[vm]
accel = "kvm"
)",
                     "schema.toml");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->timeout_seconds, 30.0);
  EXPECT_EQ(c->tty, TtyMode::kAlways);
  ASSERT_EQ(c->mounts.size(), 3u);
  EXPECT_EQ(c->mounts[0].size_bytes, 64ull << 20);
  EXPECT_FALSE(c->mounts[1].writable) << "host-image must default to read-only";
  EXPECT_TRUE(c->mounts[2].writable);
  EXPECT_EQ(c->memory_bytes, 512ull << 20);
  EXPECT_EQ(c->cpus, 2.0);
  EXPECT_EQ(c->accel, "kvm");
}

struct BadToml {
  const char* name;
  const char* text;
  const char* must_mention;
};

TEST(ConfigToml, RejectsWithFileLineAndKey) {
  const BadToml cases[] = {
      {"unknown top key", "command = [\"ls\"]\nfrobnicate = 1\n", "bad.toml:2: unknown key \"frobnicate\""},
      {"unknown limits key", "[limits]\nmemroy = \"1G\"\n", "bad.toml:2: unknown key \"memroy\" in [limits]"},
      {"unknown vm key", "[vm]\nkernel = \"x\"\n", "unknown key \"kernel\" in [vm]"},
      {"unknown mount key", "[[mount]]\ntype = \"ram\"\ntarget = \"/t\"\nsize = \"1M\"\nsrc = \"x\"\n",
       "bad.toml:5: unknown key \"src\" in [[mount]]"},
      {"unknown include key", "[[include]]\nguest = \"/a\"\nfrom = \"/b\"\n", "unknown key \"from\" in [[include]]"},
      {"unknown nested table", "[vm.extra]\nx = 1\n", "unknown key \"extra\" in [vm]"},
      {"wrong type", "privileged = \"yes\"\n", "bad.toml:1: key \"privileged\" must be true or false, not a string"},
      {"command not array", "command = \"ls -l\"\n", "key \"command\" must be an array of strings"},
      {"command array of ints", "command = [1]\n", "must be an array of strings"},
      {"bad uri", "uri = \"foo:///\"\n", "bad.toml:1: unknown uri \"foo:///\""},
      {"bad tty", "tty = \"maybe\"\n", "\"maybe\""},
      {"bad timeout", "timeout = -1\n", "timeout"},
      {"nan timeout", "timeout = nan\n", "timeout"},
      {"inf cpus", "[limits]\ncpus = inf\n", "cpus"},
      {"bad size", "[[mount]]\ntype = \"ram\"\ntarget = \"/tmp\"\nsize = \"5X\"\n", "invalid size \"5X\""},
      {"negative memory", "[limits]\nmemory = -5\n", "memory"},
      {"bad mount type", "[[mount]]\ntype = \"nfs\"\ntarget = \"/x\"\n", "\"nfs\""},
      {"missing mount type", "[[mount]]\ntarget = \"/x\"\n", "missing type"},
      {"dotdot target", "[[mount]]\ntype = \"host-bind\"\ntarget = \"/a/../etc\"\n", "\"..\""},
      {"bad env name", "[env]\n\"1X\" = \"y\"\n", "bad.toml:2: env: invalid variable name \"1X\""},
      {"env not string", "[env]\nA = 1\n", "key \"A\" must be a string"},
      {"pass fd low", "pass_fds = [1]\n", "out of range"},
      {"syntax", "command = [\"ls\"\n", "bad.toml:"},
      {"duplicate key", "name = \"a\"\nname = \"b\"\n", "bad.toml:2:"},
      {"mount not array", "mount = 1\n", "[[mount]]"},
  };
  for (const BadToml& c : cases) {
    auto config = ParseToml(c.text, "bad.toml");
    ASSERT_FALSE(config.has_value()) << c.name;
    EXPECT_NE(config.error().message().find(c.must_mention), std::string::npos)
        << c.name << " -> " << config.error().message();
    EXPECT_EQ(config.error().message().find('\n'), std::string::npos) << c.name;
  }
}

// toml++ 3.3.0 has undefined behaviour on non-ASCII text where it checks for
// whitespace; config text is rewritten to ASCII before it parses (toml_guard).
TEST(ConfigToml, NonAsciiOutsideStringsIsAnErrorNotUndefinedBehaviour) {
  for (const char* text : {"\xc3\xa9 = 1\n", "name = \"a\" \xc3\xa9\n", "[\xc3\xa9]\n",
                           "timeout = 1\xef\xb9\xbf\n"}) {
    auto c = ParseToml(text, "u.toml");
    ASSERT_FALSE(c.has_value()) << text;
    EXPECT_NE(c.error().message().find("u.toml:1:"), std::string::npos) << c.error().message();
  }
  // Found by fuzzing: a malformed bare value whose look-ahead reaches a
  // string with non-ASCII text.
  std::string fuzzed("comma=44||\0..'/s/(e'''@@@.source...'\xd2\x8c\xd0\x9a.", 45);
  EXPECT_FALSE(ParseToml(fuzzed, "f.toml").has_value());
}

TEST(ConfigToml, NonAsciiInsideStringsAndCommentsKeepsItsValue) {
  const char* text = R"TOML(# café comment ﹿ
name = "x"   # ﹿ é
command = ["é", 'ﹿ\"lit"', """multi
é ✓ 😀""", '''raw 'é' \n''''', "esc \u00e9 \" \\ ok"]
hostname = 'box'
[env]
"LANG" = "ça"
'LC_X' = 'ï'
)TOML";
  auto c = ParseToml(text, "utf8.toml");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  std::vector<std::string> want = {"é", "ﹿ\\\"lit\"", "multi\né ✓ 😀", "raw 'é' \\n''", "esc é \" \\ ok"};
  EXPECT_EQ(c->command, want);
  EXPECT_EQ(c->name, "x");
  EXPECT_EQ(c->hostname, "box");
  std::vector<std::pair<std::string, std::string>> env = {{"LANG", "ça"}, {"LC_X", "ï"}};
  EXPECT_EQ(c->env, env);
  EXPECT_FALSE(ParseToml("name = \"\xff\"\n", "bad.toml").has_value()) << "invalid UTF-8";
  EXPECT_FALSE(ParseToml("name = \"\xc0\xaf\"\n", "bad.toml").has_value()) << "overlong";
  EXPECT_FALSE(ParseToml("name = \"\\\xc3\xa9\"\n", "bad.toml").has_value()) << "bad escape";
}

TEST(ConfigToml, LoadTomlNamesAMissingFile) {
  auto config = LoadToml("/nonexistent/vsb.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("/nonexistent/vsb.toml"), std::string::npos);
  EXPECT_NE(config.error().message().find("No such file"), std::string::npos);
}

TEST(ConfigToml, LoadTomlRefusesADirectory) {
  auto config = LoadToml("/tmp");
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("/tmp"), std::string::npos);
}

TEST(ConfigToml, SurvivesBinaryAndDeepNesting) {
  std::string binary("\x00\xff\xfe=\x01", 5);
  EXPECT_FALSE(ParseToml(binary, "bin.toml").has_value());
  std::string deep = "x = " + std::string(5000, '[') + std::string(5000, ']');
  EXPECT_FALSE(ParseToml(deep, "deep.toml").has_value());
}

}  // namespace
}  // namespace vsb::config
