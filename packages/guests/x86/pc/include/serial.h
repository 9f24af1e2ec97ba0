/* The 16550 UART at 0x3F8 (COM1, IRQ 4): the console. */
#ifndef PC_SERIAL_H
#define PC_SERIAL_H

#include <stdint.h>

#define SERIAL_BASE 0x3F8
#define SERIAL_IRQ 4

/* Registers, as offsets from SERIAL_BASE (DLAB clear unless noted). */
#define SERIAL_RBR 0 /* receive buffer (read) */
#define SERIAL_THR 0 /* transmit holding (write) */
#define SERIAL_IER 1 /* interrupt enable */
#define SERIAL_IIR 2 /* interrupt identification (read) */
#define SERIAL_FCR 2 /* FIFO control (write) */
#define SERIAL_LCR 3 /* line control */
#define SERIAL_MCR 4 /* modem control */
#define SERIAL_LSR 5 /* line status */
#define SERIAL_DLL 0 /* divisor latch low (DLAB set) */
#define SERIAL_DLM 1 /* divisor latch high (DLAB set) */

#define SERIAL_LSR_DATA_READY 0x01
#define SERIAL_LSR_THR_EMPTY 0x20
#define SERIAL_IER_RECEIVED_DATA 0x01

/* 115200 baud, 8N1, FIFOs off, receiver interrupt off. */
void serial_init(void);
void serial_putc(char c);
/* True when a received byte waits in the receive buffer. */
int serial_can_read(void);
/* Waits (polling) for a received byte. */
uint8_t serial_getc(void);
/* Raises IRQ 4 when a byte arrives (the PIC line must be unmasked separately). */
void serial_enable_receive_interrupt(void);

#endif
