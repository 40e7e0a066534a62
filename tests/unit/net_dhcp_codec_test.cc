// DHCPv4 codec: requests carry what servers need; replies are decoded
// strictly (they come from the network, parsed by a process that may be root).
#include "net/dhcp_codec.h"

#include <gtest/gtest.h>

namespace vsb::net {
namespace {

const Mac kMac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
constexpr uint32_t kXid = 0x12345678;

// A valid ACK from 10.0.0.1 giving 10.0.0.7/24, router .1, two resolvers.
std::vector<uint8_t> Ack() {
  std::vector<uint8_t> p(240, 0);
  p[0] = 2;
  p[1] = 1;
  p[2] = 6;
  p[4] = 0x12, p[5] = 0x34, p[6] = 0x56, p[7] = 0x78;
  p[16] = 10, p[17] = 0, p[18] = 0, p[19] = 7;
  std::copy(kMac.begin(), kMac.end(), p.begin() + 28);
  p[236] = 99, p[237] = 130, p[238] = 83, p[239] = 99;
  for (uint8_t b : {53, 1, 5, 54, 4, 10, 0, 0, 1, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1, 6, 8, 10, 0,
                    0, 53, 10, 0, 0, 54, 51, 4, 0, 0, 14, 16, 26, 2, 5, 220, 255})
    p.push_back(b);
  return p;
}

Result<DhcpReply> Decode(const std::vector<uint8_t>& p) { return DecodeDhcpReply(p.data(), p.size(), kXid, kMac); }

TEST(DhcpCodec, DiscoverHasBroadcastFlagMacAndType) {
  std::vector<uint8_t> p = EncodeDhcpDiscover(kXid, kMac);
  ASSERT_GE(p.size(), 300u);
  EXPECT_EQ(p[0], 1);
  EXPECT_EQ(p[10], 0x80);
  EXPECT_TRUE(std::equal(kMac.begin(), kMac.end(), p.begin() + 28));
  EXPECT_EQ(p[240], 53);
  EXPECT_EQ(p[242], kDhcpDiscover);
}

TEST(DhcpCodec, RequestNamesAddressAndServer) {
  std::vector<uint8_t> p = EncodeDhcpRequest(kXid, kMac, {10, 0, 0, 7}, {10, 0, 0, 1});
  std::vector<uint8_t> want_requested = {50, 4, 10, 0, 0, 7}, want_server = {54, 4, 10, 0, 0, 1};
  EXPECT_NE(std::search(p.begin() + 240, p.end(), want_requested.begin(), want_requested.end()), p.end());
  EXPECT_NE(std::search(p.begin() + 240, p.end(), want_server.begin(), want_server.end()), p.end());
}

TEST(DhcpCodec, DecodesAck) {
  auto r = Decode(Ack());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->type, kDhcpAck);
  EXPECT_EQ(Ipv4Text(r->address), "10.0.0.7");
  EXPECT_EQ(r->prefix, 24);
  EXPECT_TRUE(r->has_router);
  EXPECT_EQ(Ipv4Text(r->router), "10.0.0.1");
  ASSERT_EQ(r->dns.size(), 2u);
  EXPECT_EQ(Ipv4Text(r->dns[1]), "10.0.0.54");
  EXPECT_EQ(r->lease_seconds, 3600u);
  EXPECT_EQ(r->mtu, 1500);
}

TEST(DhcpCodec, RejectsForeignTransactionAndHardwareAddress) {
  auto p = Ack();
  p[7] ^= 1;
  EXPECT_FALSE(Decode(p));
  p = Ack();
  p[33] ^= 1;
  EXPECT_FALSE(Decode(p));
  p = Ack();
  p[0] = 1;  // a request, not a reply
  EXPECT_FALSE(Decode(p));
}

TEST(DhcpCodec, EveryTruncationIsRejectedWithoutReadingPastTheEnd) {
  auto p = Ack();
  for (size_t n = 0; n < p.size(); ++n) {
    std::vector<uint8_t> cut(p.begin(), p.begin() + static_cast<long>(n));  // exact size: ASan would see overreads
    EXPECT_FALSE(Decode(cut)) << "accepted " << n << " bytes";
  }
}

TEST(DhcpCodec, RejectsMalformedOptions) {
  auto with = [](std::initializer_list<uint8_t> opt) {
    auto p = Ack();
    p.insert(p.begin() + 240, opt);
    return p;
  };
  EXPECT_FALSE(Decode(with({53, 2, 5, 5})));        // type of length 2
  EXPECT_FALSE(Decode(with({1, 4, 255, 0, 255, 0})));  // mask with holes
  EXPECT_FALSE(Decode(with({3, 3, 1, 2, 3})));       // router not a multiple of 4
  EXPECT_FALSE(Decode(with({26, 2, 0, 10})));        // MTU 10
  auto p = Ack();
  p.pop_back();  // no end option
  EXPECT_FALSE(Decode(p));
  p = Ack();
  p[240 + 3 + 3 + 4] = 200;  // a length running past the end
  EXPECT_FALSE(Decode(p));
}

TEST(DhcpCodec, RejectsUnusableAddressesAndKeepsAtMostThreeResolvers) {
  auto p = Ack();
  p[16] = 127;
  EXPECT_FALSE(Decode(p));
  p = Ack();
  p[16] = 224;
  EXPECT_FALSE(Decode(p));
  p = Ack();
  p.pop_back();
  for (uint8_t b : {6, 20, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 255}) p.push_back(b);
  auto r = Decode(p);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->dns.size(), kMaxDns);
}

TEST(DhcpCodec, NakNeedsNoAddress) {
  auto p = Ack();
  p[242] = kDhcpNak;
  p[16] = 0;
  auto r = Decode(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, kDhcpNak);
}

}  // namespace
}  // namespace vsb::net
