// pasta's command line: never the defaults that forward the sandbox to the
// host's loopback; inbound ports are exactly the published ones.
#include "container/pasta.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "net/netlink.h"
#include "net/netlink_message.h"

namespace vsb::container {
namespace {

using policy::PlannedInterface;

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

TEST(PastaArgv, ClosesLoopbackForwardingAndGatewayMapping) {
  PlannedInterface iface;
  iface.name = "eth0";
  std::string argv = Join(PastaArgv(iface, 42, false));
  EXPECT_NE(argv.find("-T none -U none"), std::string::npos) << argv;
  EXPECT_NE(argv.find("--no-map-gw"), std::string::npos) << argv;
  EXPECT_NE(argv.find("-t none -u none"), std::string::npos) << argv;
  EXPECT_NE(argv.find("--netns /proc/42/ns/net --userns /proc/42/ns/user"), std::string::npos) << argv;
  EXPECT_EQ(argv.find("--runas"), std::string::npos) << argv;
}

TEST(PastaArgv, PublishAddressMtuMacAndRoot) {
  PlannedInterface iface;
  iface.name = "eth0";
  iface.mac = "02:00:00:00:00:01";
  iface.mtu = 1400;
  iface.addresses = {{"10.0.2.15", 24, "", false}, {"fd00::15", 64, "", true}};
  iface.routes = {{"0.0.0.0", 0, "10.0.2.2", false}};
  iface.publish = {{8080, 80, false}, {5353, 53, true}, {8443, 443, false}};
  std::string argv = Join(PastaArgv(iface, 7, true));
  EXPECT_NE(argv.find("--runas 0"), std::string::npos) << argv;
  EXPECT_NE(argv.find("-t 8080:80 -t 8443:443 -u 5353:53"), std::string::npos) << argv;
  EXPECT_EQ(argv.find("-t none"), std::string::npos) << argv;
  EXPECT_NE(argv.find("-a 10.0.2.15 -n 24 -a fd00::15"), std::string::npos) << argv;
  EXPECT_NE(argv.find("-g 10.0.2.2"), std::string::npos) << argv;
  EXPECT_NE(argv.find("-m 1400"), std::string::npos) << argv;
  EXPECT_NE(argv.find("--ns-mac-addr 02:00:00:00:00:01"), std::string::npos) << argv;
  EXPECT_NE(argv.find("-T none -U none"), std::string::npos) << argv;
}

TEST(NetlinkMessage, AttributesThatDoNotFitAreRefused) {
  net::LinkMessage m(RTM_NEWLINK, 0, 1);
  char big[200] = {};
  for (int i = 0; i < 4; ++i) m.Attr(IFLA_IFNAME, big, sizeof big);
  EXPECT_TRUE(m.ok());
  size_t before = m.size();
  for (int i = 0; i < 4; ++i) m.Attr(IFLA_IFNAME, big, sizeof big);
  EXPECT_FALSE(m.ok());
  EXPECT_LE(m.size(), 1024u);
  EXPECT_GE(m.size(), before);
}

TEST(NetlinkMessage, NestLengthCoversItsAttributes) {
  net::LinkMessage m(RTM_NEWLINK, 0, 0);
  size_t start = m.size();
  size_t nest = m.Begin(IFLA_LINKINFO);
  m.Attr(IFLA_INFO_KIND, "veth", 5);
  m.End(nest);
  auto* rta = reinterpret_cast<rtattr*>(static_cast<char*>(m.data()) + start);
  EXPECT_EQ(rta->rta_len, m.size() - start);
  EXPECT_EQ(reinterpret_cast<nlmsghdr*>(m.data())->nlmsg_len, m.size());
}

TEST(NetlinkMac, ParsesAndRejects) {
  uint8_t mac[6];
  EXPECT_TRUE(net::ParseMac("02:aB:00:ff:10:09", mac));
  EXPECT_EQ(mac[1], 0xab);
  EXPECT_FALSE(net::ParseMac("02:ab:00:ff:10", mac));
  EXPECT_FALSE(net::ParseMac("02-ab-00-ff-10-09", mac));
  EXPECT_FALSE(net::ParseMac("02:ab:00:ff:10:0g", mac));
}

}  // namespace
}  // namespace vsb::container
