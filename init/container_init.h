#pragma once

namespace vsb::init {

// PID 1 of a container sandbox: reads the InitSpec from proto::kSpecFd, runs
// the command, forwards signals, reaps every process, ends the rest of the
// sandbox when the command exits and writes one InitReport to
// proto::kReportFd.
bool IsContainerInit();
int ContainerInitMain();

}  // namespace vsb::init
