/* Our own flat GDT, so segment selectors are known whatever the loader left behind. */
#include "gdt.h"

#include <stdint.h>

/* Descriptors: limit 0xFFFFF in 4 KiB units, base 0, 32-bit; access 0x9A code, 0x92 data.
 * Writable, not const: loading a segment register makes the CPU set the descriptor's accessed bit. */
static uint64_t gdt[] __attribute__((aligned(8))) = {
    0x0000000000000000ull,
    0x00CF9A000000FFFFull,
    0x00CF92000000FFFFull,
};

struct gdt_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

void gdt_init(void)
{
    const struct gdt_pointer pointer = { sizeof(gdt) - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movw %2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%fs\n\t"
                     "movw %%ax, %%gs\n\t"
                     "movw %%ax, %%ss"
                     :
                     : "m"(pointer), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA)
                     : "eax", "memory");
}
