// [[network]] in the config file: the same Network as the -N spelling,
// --dump-config round-trips it, and bad tables name file, line and key.
#include <gtest/gtest.h>

#include "config/option_parsers.h"
#include "config/toml_config.h"
#include "testing/test_env.h"

namespace vsb::config {
namespace {

constexpr const char* kSpecs[] = {
    "user,publish=8080:80,publish=5353:53/udp,dns=192.0.2.53,filter=allow-dns,"
    "filter.allow=out:tcp:192.0.2.1/32:443,filter.deny=in:udp:any:53,filter.default=deny",
    "source=br0,mac=02:00:00:00:00:01,mtu=1400,address=192.0.2.10/24%192.0.2.255,"
    "address=2001:db8::10/64,route=default%192.0.2.1",
    "bridge=br1,dhcp",
};

constexpr const char* kToml = R"(command = ["true"]

[[network]]
publish = ["8080:80", "5353:53/udp"]
dns = ["192.0.2.53"]
filter = "allow-dns"
filter_params = ["allow=out:tcp:192.0.2.1/32:443", "deny=in:udp:any:53", "default=deny"]

[[network]]
mode = "bridge"
bridge = "br0"
mac = "02:00:00:00:00:01"
mtu = 1400
address = ["192.0.2.10/24%192.0.2.255", "2001:db8::10/64"]
route = ["default%192.0.2.1"]

[[network]]
bridge = "br1"
dhcp = true
)";

std::vector<Network> FromSpecs() {
  std::vector<Network> out;
  for (const char* spec : kSpecs) {
    auto n = ParseNetwork(spec);
    EXPECT_TRUE(n) << spec << ": " << n.error().message();
    if (n) out.push_back(*n);
  }
  return out;
}

TEST(NetworkToml, EqualsTheSameCliOptions) {
  auto c = ParseToml(kToml, "net.toml");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->networks, FromSpecs());
}

TEST(NetworkToml, DumpRoundTrips) {
  SandboxConfig c;
  c.command = {"true"};
  c.networks = FromSpecs();
  std::string text = ToToml(c);
  auto back = ParseToml(text, "dump.toml");
  ASSERT_TRUE(back) << back.error().message() << "\n" << text;
  EXPECT_EQ(back->networks, c.networks) << text;
  EXPECT_EQ(ToToml(*back), text);
}

TEST(NetworkToml, CliDumpConfigReadsBackEqual) {
  std::vector<std::string> args;
  for (const char* spec : kSpecs) args.insert(args.end(), {"-N", spec});
  args.insert(args.end(), {"--dump-config", "--", "true"});
  testing::CliRun run = testing::RunCli(args);
  ASSERT_EQ(run.status, 0) << run.err;
  auto back = ParseToml(run.out, "stdout");
  ASSERT_TRUE(back) << back.error().message() << "\n" << run.out;
  EXPECT_EQ(back->networks, FromSpecs()) << run.out;
}

struct BadToml {
  const char* text;
  const char* must_mention;
};

TEST(NetworkToml, RejectsWithLineAndKey) {
  const BadToml cases[] = {
      {"[[network]]\ncolour = \"red\"\n", "net.toml:2: unknown key \"colour\" in [[network]]"},
      {"[network]\nmode = \"user\"\n", "an array of tables ([[network]])"},
      {"[[network]]\nmode = \"nat\"\n", "unknown network mode \"nat\""},
      {"[[network]]\nmode = \"user\"\nbridge = \"br0\"\n", "user mode takes no bridge"},
      {"[[network]]\nmode = \"bridge\"\n", "bridge mode needs"},
      {"[[network]]\nmtu = 10\n", "mtu: MTU 10 is out of range"},
      {"[[network]]\nmtu = \"1500\"\n", "key \"mtu\" must be an integer"},
      {"[[network]]\naddress = \"192.0.2.1/24\"\n", "must be an array of strings"},
      {"[[network]]\ndhcp = true\naddress = [\"192.0.2.1/24\"]\n", "dhcp and address="},
      {"[[network]]\nfilter = \"deny-all\"\nfilter_params = [\"allow\"]\n", "is not KEY=VALUE"},
      {"[[network]]\nfilter = \"deny-all\"\nfilter_params = [\"allow=out:tcp:any:99999\"]\n",
       "invalid port \"99999\""},
  };
  for (const BadToml& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = ParseToml(c.text, "net.toml");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find(c.must_mention), std::string::npos) << r.error().message();
  }
}

}  // namespace
}  // namespace vsb::config
