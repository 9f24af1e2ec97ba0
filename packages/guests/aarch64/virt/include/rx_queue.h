/* Bytes the PL011 receive interrupt hands to the main loop: a single-producer (IRQ handler),
 * single-consumer (main loop, with IRQs masked while it looks) ring. Lossless: when the ring is
 * full the receive interrupt is masked, so further bytes wait in the UART (and the emulator's
 * input buffer) until the main loop has made room. */
#ifndef GUEST_RX_QUEUE_H
#define GUEST_RX_QUEUE_H

#include "types.h"

/* Routes the PL011 receive interrupt (SPI 33) to the queue; the GIC must be initialised. */
void rx_queue_start(void);
/* Next received byte, or -1 when none is queued. Call with IRQs masked. */
int rx_queue_pop(void);
/* Sleeps in WFI until at least one byte is queued, and returns it. */
int rx_queue_wait(void);
/* Times the receive interrupt handler ran. */
u64 rx_queue_interrupts(void);

#endif
