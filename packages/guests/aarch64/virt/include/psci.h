/* PSCI calls (function ids of PSCI 0.2+), over HVC or SMC as the device tree says. */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include "types.h"

#define PSCI_VERSION 0x84000000UL
#define PSCI_CPU_OFF 0x84000002UL
#define PSCI_CPU_ON_64 0xC4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL

#define PSCI_SUCCESS 0
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)

/* Selects the SMC conduit instead of the default HVC. */
void psci_use_smc(int use_smc);
s64 psci_version(void);
s64 psci_cpu_on(u64 target_mpidr, u64 entry, u64 context);
void psci_cpu_off(void) __attribute__((noreturn));
void psci_system_off(void) __attribute__((noreturn));

#endif
