/* Device register access. Volatile 32-bit accesses, the width every device here expects. */
#ifndef GUEST_MMIO_H
#define GUEST_MMIO_H

#include "types.h"

static inline u32 mmio_read32(usize addr) { return *(volatile u32 *)addr; }

static inline void mmio_write32(usize addr, u32 value) { *(volatile u32 *)addr = value; }

#endif
