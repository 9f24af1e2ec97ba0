/* The i8254 PIT: channel 0 drives IRQ 0; channel 2's gate and output are bits 0 and 5 of port 0x61. */
#ifndef PC_PIT_H
#define PC_PIT_H

#include <stdint.h>

#define PIT_FREQUENCY_HZ 1193182u
#define PIT_IRQ 0

/* Channel 0 in mode 2 (rate generator) at about `hz` interrupts per second. */
void pit_start_periodic(uint32_t hz);
/* Channel 0 back to a one-shot (mode 0) with the longest count, so it stops interrupting. */
void pit_stop(void);
/* Channel 2 in mode 0 (interrupt on terminal count) with `count`, gate on, speaker off. */
void pit_channel2_start(uint16_t count);
/* Channel 2's OUT pin, read from port 0x61 bit 5. */
int pit_channel2_output(void);
/* Channel 2's gate off. */
void pit_channel2_stop(void);

#endif
