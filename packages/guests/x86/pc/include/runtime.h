/* What every program gets: the startup code calls guest_main after setting up the stack, zeroing
 * .bss, the console and the GDT, and ends the run with its return value as the exit status. */
#ifndef PC_RUNTIME_H
#define PC_RUNTIME_H

#include <stdint.h>

#include "multiboot.h"

/* Each program defines this. `magic` is EAX at entry, `info` is EBX at entry. */
uint8_t guest_main(uint32_t magic, const struct multiboot_info *info);

#endif
