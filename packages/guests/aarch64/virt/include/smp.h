/* Starting secondary CPUs with PSCI CPU_ON: each gets its own stack and runs fn(index). */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "types.h"

typedef void (*secondary_fn)(u32 index);

/* Starts CPU `index` (0 < index < MAX_CPUS) with MPIDR mpidr; returns the PSCI result. After fn
 * returns the CPU powers itself off with CPU_OFF. Retries while the CPU is still going off. */
s64 smp_start_cpu(u32 index, u64 mpidr, secondary_fn fn);

/* Polled flag helpers with barriers (plain loads/stores: exclusives on Device memory, which all
 * data is while the MMU is off, are not guaranteed to work). */
void flag_set(volatile u32 *flag, u32 value);
u32 flag_wait(volatile u32 *flag, u32 value, u64 timeout_ticks);

#endif
