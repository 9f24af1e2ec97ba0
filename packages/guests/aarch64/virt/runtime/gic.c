/* GICv2 with word-sized accesses only (byte access to the priority and target registers is
 * allowed by the architecture, but word access is what every emulated distributor handles). */
#include "gic.h"
#include "mmio.h"

#define GICD_CTLR 0x000
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

#define DEFAULT_PRIORITY 0xa0
#define FIRST_SPI 32

static void write_byte_field(usize reg_base, u32 intid, u32 value) {
  usize reg = reg_base + (intid / 4) * 4;
  u32 shift = (intid % 4) * 8;
  u32 word = mmio_read32(reg);
  word = (word & ~(0xffu << shift)) | ((value & 0xff) << shift);
  mmio_write32(reg, word);
}

void gic_init_distributor(void) { mmio_write32(GICD_BASE + GICD_CTLR, 1); }

void gic_init_cpu_interface(void) {
  mmio_write32(GICC_BASE + GICC_PMR, 0xf0);
  mmio_write32(GICC_BASE + GICC_BPR, 0);
  mmio_write32(GICC_BASE + GICC_CTLR, 1);
}

void gic_enable_interrupt(u32 intid) {
  write_byte_field(GICD_BASE + GICD_IPRIORITYR, intid, DEFAULT_PRIORITY);
  if (intid >= FIRST_SPI) write_byte_field(GICD_BASE + GICD_ITARGETSR, intid, 1);
  mmio_write32(GICD_BASE + GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void gic_disable_interrupt(u32 intid) {
  mmio_write32(GICD_BASE + GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

u32 gic_acknowledge(void) { return mmio_read32(GICC_BASE + GICC_IAR); }

void gic_end_of_interrupt(u32 iar) { mmio_write32(GICC_BASE + GICC_EOIR, iar); }
