// The guest end of the channel and the command's stdio relay.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "init/vm_guest.h"
#include "proto/channel.h"
#include "proto/init_spec.h"

namespace vsb::init {

struct GuestChannel {
  int fd = -1;               // the virtio-serial port
  bool debug = false;
  proto::FrameDecoder decoder;
  std::string out;           // encoded frames not yet written
  size_t out_pos = 0;

  // Blocks until a whole frame arrived (timeout_ms < 0: forever); nullopt on
  // EOF, timeout or a malformed stream.
  std::optional<proto::Frame> ReadFrame(int timeout_ms);
  // Queues a frame and writes everything queued (blocking).
  bool Send(proto::MsgType type, std::string_view payload);
  bool Flush();
  void Log(const std::string& line);
  // sync()ed by the caller; EXIT, then wait for QUIT so the host has read
  // every byte before the VM goes away.
  void SendExitAndWaitQuit(const proto::InitReport& r, int timeout_ms);
};

// Starts spec's command with pipes (or a pty when spec.tty), relays until it
// exited and its output is drained, reaps every process. Fills *report.
bool RunCommand(const proto::InitSpec& spec, GuestChannel* ch, proto::InitReport* report,
                GuestFailure* why);

}  // namespace vsb::init
