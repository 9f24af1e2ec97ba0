/* The smallest guest: one line on the PL011, then PSCI SYSTEM_OFF (done by the runtime). */
#include "print.h"
#include "runtime.h"

void guest_main(void) { print("Hello from a bare-metal AArch64 guest!\n"); }
