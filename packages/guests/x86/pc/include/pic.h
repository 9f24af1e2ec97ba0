/* The two i8259 PICs, remapped to vectors 32-47. */
#ifndef PC_PIC_H
#define PC_PIC_H

#include <stdint.h>

#define PIC_VECTOR_BASE 32

/* Initializes both PICs (ICW1-4), vectors 32-39 and 40-47, every line masked. */
void pic_init(void);
void pic_unmask(uint8_t irq);
void pic_mask(uint8_t irq);
/* End of interrupt for `irq` (both PICs for lines 8-15). */
void pic_eoi(uint8_t irq);

#endif
