/* The IDT and the C side of interrupt entry: a handler table indexed by vector. */
#include "idt.h"

#include "exit.h"
#include "gdt.h"
#include "print.h"

#define GATE_INTERRUPT_32 0x8E /* present, ring 0, 32-bit interrupt gate (clears IF) */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type;
    uint16_t offset_high;
} __attribute__((packed));

struct idt_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

extern const uint32_t isr_stub_table[IDT_VECTORS];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(8)));
static interrupt_handler handlers[IDT_VECTORS];

static void unhandled_interrupt(struct interrupt_frame *frame)
{
    print("unhandled interrupt: vector ");
    print_dec(frame->vector);
    print(" error ");
    print_hex32(frame->error_code);
    print(" eip ");
    print_hex32(frame->eip);
    print("\n");
    debug_exit(EXIT_FAILURE_CODE);
}

void idt_init(void)
{
    for (uint32_t vector = 0; vector < IDT_VECTORS; vector++) {
        const uint32_t offset = isr_stub_table[vector];
        idt[vector].offset_low = (uint16_t)offset;
        idt[vector].selector = GDT_KERNEL_CODE;
        idt[vector].zero = 0;
        idt[vector].type = GATE_INTERRUPT_32;
        idt[vector].offset_high = (uint16_t)(offset >> 16);
        handlers[vector] = unhandled_interrupt;
    }
    const struct idt_pointer pointer = { sizeof(idt) - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(pointer) : "memory");
}

void idt_set_handler(uint32_t vector, interrupt_handler handler)
{
    if (vector < IDT_VECTORS) {
        handlers[vector] = handler;
    }
}

void interrupt_dispatch(struct interrupt_frame *frame)
{
    handlers[frame->vector](frame);
}
