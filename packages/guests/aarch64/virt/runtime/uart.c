/* PL011 polled transmit and receive. Only the data, flag, control and interrupt registers are
 * used: the baud rate and line control stay as the machine reset them. */
#include "mmio.h"
#include "uart.h"

static usize uart_base = UART_BASE;

void uart_set_base(usize base) { uart_base = base; }

void uart_init(void) {
  /* Interrupts masked but not cleared: a byte that arrived before boot keeps its raw receive
   * interrupt, so it fires as soon as a program unmasks it. */
  mmio_write32(uart_base + UART_IMSC, 0);
  mmio_write32(uart_base + UART_CR, UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE);
}

void uart_putc(char c) {
  while (mmio_read32(uart_base + UART_FR) & UART_FR_TXFF) {
  }
  mmio_write32(uart_base + UART_DR, (u8)c);
}

int uart_try_getc(void) {
  if (mmio_read32(uart_base + UART_FR) & UART_FR_RXFE) return -1;
  return (int)(mmio_read32(uart_base + UART_DR) & 0xff);
}

void uart_set_rx_interrupt(int on) {
  mmio_write32(uart_base + UART_IMSC, on ? UART_INT_RX | UART_INT_RT : 0);
}

void uart_clear_interrupts(void) { mmio_write32(uart_base + UART_ICR, 0x7ff); }
