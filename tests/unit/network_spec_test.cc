// -N KEY=VALUE,... parsing: good specs give the expected Network; each
// malformed one is refused with a message naming the bad part.
#include <gtest/gtest.h>

#include "config/network_values.h"
#include "config/option_parsers.h"
#include "config/validate.h"

namespace vsb::config {
namespace {

TEST(NetworkSpec, UserIsTheDefaultMode) {
  auto n = ParseNetwork("dhcp");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->mode, Network::Mode::kUser);
  EXPECT_TRUE(n->dhcp);
}

TEST(NetworkSpec, EveryKey) {
  auto n = ParseNetwork(
      "source=br0,mac=02:AA:bb:cc:dd:ee,mtu=1400,address=192.0.2.10/24%192.0.2.255,"
      "address=2001:db8::10/64,route=default%192.0.2.1,route=198.51.100.0/24%192.0.2.2,"
      "dns=192.0.2.1,dns=2001:db8::1,filter=deny-all,filter.allow=out:tcp:192.0.2.1/32:80,"
      "filter.deny=in:udp:any:53,filter.default=deny");
  ASSERT_TRUE(n) << n.error().message();
  Network want;
  want.mode = Network::Mode::kBridge;
  want.bridge = "br0";
  want.mac = "02:AA:bb:cc:dd:ee";
  want.mtu = 1400;
  want.addresses = {"192.0.2.10/24%192.0.2.255", "2001:db8::10/64"};
  want.routes = {"default%192.0.2.1", "198.51.100.0/24%192.0.2.2"};
  want.dns = {"192.0.2.1", "2001:db8::1"};
  want.filter = "deny-all";
  want.filter_params = {{"allow", "out:tcp:192.0.2.1/32:80"}, {"deny", "in:udp:any:53"}, {"default", "deny"}};
  EXPECT_EQ(*n, want);
}

TEST(NetworkSpec, UserWithPublish) {
  auto n = ParseNetwork("user,publish=8080:80,publish=5353:53/udp");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->publish, (std::vector<std::string>{"8080:80", "5353:53/udp"}));
}

struct Bad {
  std::string spec;
  std::string must_mention;
};

TEST(NetworkSpec, MalformedNamesTheBadPart) {
  const Bad cases[] = {
      {"", "empty network spec"},
      {"user,,dhcp", "empty item"},
      {"user,", "empty item"},
      {"frobnicate", "unknown item \"frobnicate\""},
      {"color=red", "unknown key \"color\""},
      {"user=1", "user takes no value"},
      {"dhcp,dhcp", "dhcp is given twice"},
      {"user,user", "user is given twice"},
      {"bridge=a,source=b", "bridge is given twice"},
      {"mac=02:00:00:00:00:01,mac=02:00:00:00:00:02", "mac is given twice"},
      {"filter=deny-all,filter=allow-all", "filter is given twice"},
      {"user,bridge=br0", "user and bridge= exclude each other"},
      {"bridge=br0,user", "user and bridge= exclude each other"},
      {"address=", "empty value for address="},
      {"bridge=", "empty value for bridge="},
      {"bridge=a/b", "invalid bridge name \"a/b\""},
      {"bridge=averyveryverylongname", "invalid bridge name"},
      {"dhcp,address=192.0.2.1/24", "dhcp and address=192.0.2.1/24 exclude each other"},
      {"bridge=br0,publish=80:80", "publish=80:80 works in user mode only"},
      {"mac=01:00:00:00:00:01", "is multicast"},
      {"mac=02:00:00:00:00", "invalid MAC address \"02:00:00:00:00\""},
      {"mac=02-00-00-00-00-01", "invalid MAC address"},
      {"mac=00:00:00:00:00:00", "not usable"},
      {"mtu=67", "MTU 67 is out of range"},
      {"mtu=65536", "MTU 65536 is out of range"},
      {"mtu=big", "invalid MTU \"big\""},
      {"address=192.0.2.1", "missing prefix length in \"192.0.2.1\""},
      {"address=192.0.2.300/24", "invalid IP address \"192.0.2.300\""},
      {"address=192.0.2.1/33", "invalid prefix length \"33\""},
      {"address=2001:db8::1/129", "invalid prefix length \"129\""},
      {"address=2001:db8::1/64%2001:db8::ff", "takes no broadcast"},
      {"address=192.0.2.1/24%nope", "invalid IP address \"nope\""},
      {"route=192.0.2.0/24", "has no gateway"},
      {"route=192.0.2.1/24%192.0.2.254", "has host bits set (use 192.0.2.0/24)"},
      {"route=2001:db8::/32%192.0.2.1", "mixes IPv4 and IPv6"},
      {"route=default%gw", "invalid IP address \"gw\""},
      {"dns=resolver", "invalid IP address \"resolver\""},
      {"publish=80", "invalid publish \"80\""},
      {"publish=0:80", "invalid publish \"0:80\""},
      {"publish=80:65536", "invalid publish"},
      {"publish=80:80/sctp", "unknown protocol \"sctp\""},
      {"publish=80:80,publish=80:81", "host port 80 is published twice"},
      {"filter=open", "unknown filter \"open\""},
      {"filter.allow=out:tcp:any:80", "needs a preset"},
      {"filter=deny-all,filter.permit=x", "unknown filter parameter \"filter.permit\""},
      {"filter=deny-all,filter.default=maybe", "filter.default=maybe: use allow or deny"},
      {"filter=deny-all,filter.default=deny,filter.default=allow", "filter.default is given twice"},
      {"filter=deny-all,filter.allow=out:tcp:80", "expected 4 fields"},
      {"filter=deny-all,filter.allow=up:tcp:any:80", "unknown direction \"up\""},
      {"filter=deny-all,filter.allow=out:sctp:any:80", "unknown protocol \"sctp\""},
      {"filter=deny-all,filter.allow=out:icmp:any:80", "a port needs protocol tcp or udp"},
      {"filter=deny-all,filter.allow=out:tcp:any:0", "invalid port \"0\""},
      {"filter=deny-all,filter.allow=out:tcp:any:90-80", "is backwards"},
      {"filter=deny-all,filter.allow=out:tcp:any:70000", "invalid port \"70000\""},
      {"filter=deny-all,filter.allow=out:tcp:10.0.0.1/8:80", "has host bits set (use 10.0.0.0/8)"},
      {"filter=deny-all,filter.allow=out:tcp:2001:db8::1:80", "must be in brackets"},
      {"filter=deny-all,filter.allow=out:tcp:[192.0.2.1]:80", "only IPv6 addresses go in brackets"},
      {"filter=deny-all,filter.deny=in:any:host:any", "filter.deny=in:any:host:any: invalid IP address"},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.spec);
    auto n = ParseNetwork(c.spec);
    ASSERT_FALSE(n) << "accepted";
    EXPECT_NE(n.error().message().find(c.must_mention), std::string::npos) << n.error().message();
  }
}

TEST(NetworkSpec, GoodFilterRules) {
  for (const char* spec :
       {"filter=allow-dns", "filter=deny-all,filter.allow=out:any:any:any",
        "filter=deny-all,filter.allow=in:tcp:[2001:db8::]/32:1000-2000",
        "filter=deny-all,filter.allow=out:icmp:[::1]:any", "filter=allow-all,filter.deny=out:udp:198.51.100.7:53"}) {
    auto n = ParseNetwork(spec);
    EXPECT_TRUE(n) << spec << ": " << n.error().message();
  }
}

TEST(NetworkSpec, ValidateCountsInterfaces) {
  SandboxConfig c;
  c.command = {"true"};
  c.networks.assign(kMaxNetworks, Network{});
  EXPECT_TRUE(Validate(c));
  c.networks.push_back(Network{});
  auto ok = Validate(c);
  ASSERT_FALSE(ok);
  EXPECT_NE(ok.error().message().find("9 network interfaces given, at most 8"), std::string::npos)
      << ok.error().message();
}

TEST(NetworkSpec, ValidateChecksLibraryBuiltNetworks) {
  SandboxConfig c;
  c.command = {"true"};
  Network n;
  n.addresses = {"10.0.0.1/40"};
  c.networks = {Network{}, n};
  auto ok = Validate(c);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().message().rfind("network eth1: ", 0), 0u) << ok.error().message();

  Network a, b;
  a.publish = {"8080:80"};
  b.publish = {"8080:81"};
  c.networks = {a, b};
  ok = Validate(c);
  ASSERT_FALSE(ok);
  EXPECT_NE(ok.error().message().find("already published"), std::string::npos) << ok.error().message();
}

TEST(NetworkValues, CanonicalForms) {
  EXPECT_EQ(ParseIp("2001:DB8:0::1")->ip, "2001:db8::1");
  EXPECT_EQ(*ParseMac("02:AB:cd:EF:00:11"), "02:ab:cd:ef:00:11");
  auto r = ParseNetRoute("default%2001:db8::1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->destination.ip, "::");
  EXPECT_TRUE(r->destination.v6);
  EXPECT_EQ(r->destination.prefix, 0);
  auto p = ParseNetPublish("65535:1/udp");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host_port, 65535);
  EXPECT_EQ(p->sandbox_port, 1);
  EXPECT_TRUE(p->udp);
  EXPECT_FALSE(ParseIp(std::string_view("1.2.3.4\0", 8)));  // a NUL must not cut the text
  EXPECT_FALSE(ParseMtu("+1500"));
  EXPECT_FALSE(ParseMtu(" 1500"));
}

}  // namespace
}  // namespace vsb::config
