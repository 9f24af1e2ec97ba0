/* PL011 UART at 0x0900_0000 (QEMU virt), SPI 1 = INTID 33. */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include "types.h"

#define UART_BASE 0x09000000UL
#define UART_INTID 33

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_RIS 0x3c
#define UART_MIS 0x40
#define UART_ICR 0x44

#define UART_FR_RXFE (1u << 4)
#define UART_FR_TXFF (1u << 5)
#define UART_CR_UARTEN (1u << 0)
#define UART_CR_TXE (1u << 8)
#define UART_CR_RXE (1u << 9)
#define UART_INT_RX (1u << 4)
#define UART_INT_RT (1u << 6)

/* Where uart_putc writes; the mmu program moves it to an alias mapping. */
void uart_set_base(usize base);
/* Enables the UART with every interrupt masked (and still latched). */
void uart_init(void);
void uart_putc(char c);
/* Reads one byte if the receive FIFO holds one; returns -1 when it is empty. */
int uart_try_getc(void);
/* Unmasks (on != 0) or masks the receive and receive-timeout interrupts. */
void uart_set_rx_interrupt(int on);
/* Clears every latched UART interrupt (receive, timeout, errors). */
void uart_clear_interrupts(void);

#endif
