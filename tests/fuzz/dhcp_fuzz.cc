// DecodeDhcpReply reads packets from the network, in a process that is root
// on the host for a root caller (the container's network configurator) or
// PID 1 of a guest: it must reject, never crash or over-read. The transaction
// id and hardware address are taken from the input itself, so the fuzzer gets
// past the header checks into the options.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "net/dhcp_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint32_t xid = 0;
  vsb::net::Mac mac{};
  if (size >= 8) std::memcpy(&xid, data + 4, 4);
  if (size >= 34) std::memcpy(mac.data(), data + 28, 6);
  auto reply = vsb::net::DecodeDhcpReply(data, size, xid, mac);
  if (reply) {
    volatile size_t n = reply->dns.size();  // the result must be usable
    (void)n;
    (void)vsb::net::Ipv4Text(reply->address);
  }
  return 0;
}
