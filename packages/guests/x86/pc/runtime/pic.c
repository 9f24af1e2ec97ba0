/* i8259 pair: master at 0x20/0x21, slave at 0xA0/0xA1 cascaded on the master's line 2. */
#include "pic.h"

#include "io.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA 0x21
#define PIC2_COMMAND 0xA0
#define PIC2_DATA 0xA1
#define ICW1_INIT_WITH_ICW4 0x11
#define ICW4_8086 0x01
#define OCW2_EOI 0x20

void pic_init(void)
{
    outb(PIC1_COMMAND, ICW1_INIT_WITH_ICW4);
    outb(PIC2_COMMAND, ICW1_INIT_WITH_ICW4);
    outb(PIC1_DATA, PIC_VECTOR_BASE);
    outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    outb(PIC1_DATA, 1 << 2); /* slave on line 2 */
    outb(PIC2_DATA, 2);      /* slave identity */
    outb(PIC1_DATA, ICW4_8086);
    outb(PIC2_DATA, ICW4_8086);
    outb(PIC1_DATA, 0xFF);
    outb(PIC2_DATA, 0xFF);
}

void pic_unmask(uint8_t irq)
{
    if (irq < 8) {
        outb(PIC1_DATA, inb(PIC1_DATA) & (uint8_t)~(1 << irq));
    } else {
        outb(PIC2_DATA, inb(PIC2_DATA) & (uint8_t)~(1 << (irq - 8)));
        outb(PIC1_DATA, inb(PIC1_DATA) & (uint8_t)~(1 << 2));
    }
}

void pic_mask(uint8_t irq)
{
    if (irq < 8) {
        outb(PIC1_DATA, inb(PIC1_DATA) | (uint8_t)(1 << irq));
    } else {
        outb(PIC2_DATA, inb(PIC2_DATA) | (uint8_t)(1 << (irq - 8)));
    }
}

void pic_eoi(uint8_t irq)
{
    if (irq >= 8) {
        outb(PIC2_COMMAND, OCW2_EOI);
    }
    outb(PIC1_COMMAND, OCW2_EOI);
}
