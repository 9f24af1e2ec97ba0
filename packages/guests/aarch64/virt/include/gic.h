/* GICv2: distributor at 0x0800_0000, CPU interface at 0x0801_0000 (QEMU virt, gic-version=2). */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include "types.h"

#define GICD_BASE 0x08000000UL
#define GICC_BASE 0x08010000UL
#define GIC_SPURIOUS 1023

/* Enables the distributor (boot CPU, once) and this CPU's interface. */
void gic_init_distributor(void);
void gic_init_cpu_interface(void);
/* Priority 0xa0, and for SPIs target CPU 0 (level-sensitive as configured at reset). */
void gic_enable_interrupt(u32 intid);
void gic_disable_interrupt(u32 intid);
/* Acknowledges the highest-priority pending interrupt; returns its INTID (1023 when none). */
u32 gic_acknowledge(void);
void gic_end_of_interrupt(u32 iar);

#endif
