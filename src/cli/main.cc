#include <cstdio>
#include "virt-sandbox/sandbox.h"
int main() { std::puts(vsb::Version()); return 0; }
