/* What the guest learns about its machine from the device tree. */
#ifndef GUEST_MACHINE_H
#define GUEST_MACHINE_H

#include "types.h"

#define MAX_CPUS 8
#define RAM_BASE 0x40000000UL

struct machine {
  const void *fdt; /* NULL when no device tree was found */
  u32 cpu_count;
  u64 cpu_mpidr[MAX_CPUS];
  u64 memory_base;
  u64 memory_size;
  int psci_smc; /* 1 when /psci says method = "smc" */
};

/* The device tree is at x0 (Linux boot protocol, our VMM) or at the RAM base (QEMU -kernel ELF). */
const void *machine_find_fdt(u64 boot_x0);
void machine_read(const void *fdt, struct machine *out);
/* Reads the boot CPU's device tree into the description machine() returns. */
void machine_init(u64 boot_x0);
/* The machine description the runtime read at boot. */
const struct machine *machine(void);

#endif
