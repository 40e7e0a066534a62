// A bounded rtnetlink request builder: a header, a fixed body (ifinfomsg,
// ifaddrmsg or rtmsg) and attributes, nested or not, in a fixed buffer. An
// attribute that does not fit sets !ok() and is dropped: callers check ok()
// before sending, so nothing is ever written past the buffer.
#pragma once

#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstddef>
#include <cstring>

namespace vsb::net {

template <class Body>
class NetlinkMessage {
 public:
  NetlinkMessage(uint16_t type, uint16_t flags) {
    hdr()->nlmsg_type = type;
    hdr()->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    len_ = NLMSG_LENGTH(sizeof(Body));
    hdr()->nlmsg_len = static_cast<uint32_t>(len_);
  }
  void* data() { return buf_; }
  size_t size() const { return len_; }
  bool ok() const { return ok_; }
  Body* body() { return static_cast<Body*>(NLMSG_DATA(hdr())); }

  void Attr(uint16_t type, const void* value, size_t size) {
    size_t total = RTA_LENGTH(size);
    if (!Room(RTA_ALIGN(total))) return;
    auto* rta = reinterpret_cast<rtattr*>(buf_ + len_);
    rta->rta_type = type;
    rta->rta_len = static_cast<uint16_t>(total);
    if (size) memcpy(RTA_DATA(rta), value, size);
    Grow(RTA_ALIGN(total));
  }
  // Raw bytes inside a nest (the veth peer's ifinfomsg).
  void Raw(const void* value, size_t size) {
    if (!Room(NLMSG_ALIGN(size))) return;
    memcpy(buf_ + len_, value, size);
    Grow(NLMSG_ALIGN(size));
  }
  size_t Begin(uint16_t type) {
    size_t at = len_;
    Attr(type, nullptr, 0);
    return at;
  }
  void End(size_t at) {
    if (!ok_) return;
    reinterpret_cast<rtattr*>(buf_ + at)->rta_len = static_cast<uint16_t>(len_ - at);
  }

 protected:
  nlmsghdr* hdr() { return reinterpret_cast<nlmsghdr*>(buf_); }

 private:
  bool Room(size_t n) {
    if (len_ + n > sizeof buf_) ok_ = false;
    return ok_;
  }
  void Grow(size_t n) {
    len_ += n;
    hdr()->nlmsg_len = static_cast<uint32_t>(len_);
  }
  alignas(nlmsghdr) char buf_[1024] = {};
  size_t len_ = 0;
  bool ok_ = true;
};

class LinkMessage : public NetlinkMessage<ifinfomsg> {
 public:
  LinkMessage(uint16_t type, uint16_t flags, int index) : NetlinkMessage(type, flags) {
    ifi()->ifi_family = AF_UNSPEC;
    ifi()->ifi_index = index;
  }
  ifinfomsg* ifi() { return body(); }
};

class AddrMessage : public NetlinkMessage<ifaddrmsg> {
 public:
  using NetlinkMessage::NetlinkMessage;
  ifaddrmsg* ifa() { return body(); }
};

class RouteMessage : public NetlinkMessage<rtmsg> {
 public:
  using NetlinkMessage::NetlinkMessage;
  rtmsg* rtm() { return body(); }
};

}  // namespace vsb::net
