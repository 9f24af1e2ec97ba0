/* System register access and barriers. */
#ifndef GUEST_SYSREG_H
#define GUEST_SYSREG_H

#include "types.h"

#define read_sysreg(name)                                  \
  ({                                                       \
    u64 value_;                                            \
    __asm__ volatile("mrs %0, " #name : "=r"(value_));     \
    value_;                                                \
  })

#define write_sysreg(name, value) \
  __asm__ volatile("msr " #name ", %0" ::"r"((u64)(value)) : "memory")

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dmb_sy(void) { __asm__ volatile("dmb sy" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* IRQ mask (PSTATE.I). */
static inline void irq_mask(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline void irq_unmask(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }

/* Affinity level 0 of MPIDR_EL1: the CPU number on QEMU virt. */
static inline u64 this_cpu_aff0(void) { return read_sysreg(mpidr_el1) & 0xff; }

#endif
