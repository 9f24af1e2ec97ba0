/* Bytes the PL011 receive interrupt hands to the main loop: a single-producer (IRQ handler),
 * single-consumer (main loop, with IRQs masked while it looks) ring. */
#ifndef GUEST_RX_QUEUE_H
#define GUEST_RX_QUEUE_H

#include "types.h"

/* Routes the PL011 receive interrupt (SPI 33) to the queue; the GIC must be initialised. */
void rx_queue_start(void);
/* Next received byte, or -1 when none is queued. Call with IRQs masked. */
int rx_queue_pop(void);
/* Sleeps in WFI until at least one byte is queued, and returns it. */
int rx_queue_wait(void);
/* Bytes dropped because the queue was full. */
u64 rx_queue_overflows(void);
/* Times the receive interrupt handler ran. */
u64 rx_queue_interrupts(void);

#endif
