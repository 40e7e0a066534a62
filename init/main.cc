// virt-sandbox-init: PID 1 inside every sandbox (static binary).
#include <unistd.h>

#include <cstdio>

#include "init/container_init.h"
#if __has_include("init/vm_guest.h")
#include "init/vm_guest.h"
#define VSB_HAVE_VM_GUEST 1
#endif

int main() {
  if (vsb::init::IsContainerInit()) return vsb::init::ContainerInitMain();
#ifdef VSB_HAVE_VM_GUEST
  if (vsb::init::IsVmGuest()) return vsb::init::VmGuestMain();
#endif
  std::fputs("virt-sandbox-init: runs only as PID 1 of a sandbox started by virt-sandbox\n", stderr);
  return 125;
}
