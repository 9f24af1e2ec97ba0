/* PL011 receive interrupt → ring buffer → main loop. */
#include "exceptions.h"
#include "gic.h"
#include "rx_queue.h"
#include "sysreg.h"
#include "uart.h"

#define QUEUE_SIZE 256 /* a power of two */

static volatile u8 queue[QUEUE_SIZE];
static volatile u32 head; /* written only by drain() */
static volatile u32 tail; /* written only by rx_queue_pop() */
static volatile int throttled; /* receive interrupt masked because the queue filled up */
static volatile u64 interrupts;

/* Moves bytes from the UART into the queue while there is room; runs in the handler or with
 * IRQs masked. */
static void drain(void) {
  /* Clear first, then read: a byte landing after the reads keeps its interrupt raised. Clearing
   * afterwards could drop that interrupt while the byte waits in the FIFO, and a full FIFO never
   * raises another one. */
  uart_clear_interrupts();
  while (head - tail < QUEUE_SIZE) {
    int c = uart_try_getc();
    if (c < 0) return;
    queue[head % QUEUE_SIZE] = (u8)c;
    head++;
  }
  throttled = 1;
  uart_set_rx_interrupt(0);
}

static void on_uart(u32 intid) {
  (void)intid;
  interrupts++;
  drain();
}

void rx_queue_start(void) {
  exceptions_set_irq_handler(UART_INTID, on_uart);
  gic_enable_interrupt(UART_INTID);
  /* A byte already waiting has its raw interrupt set (uart_init leaves it): it fires now. */
  uart_set_rx_interrupt(1);
  irq_unmask();
}

int rx_queue_pop(void) {
  if (tail == head) return -1;
  int c = queue[tail % QUEUE_SIZE];
  tail++;
  if (throttled && head - tail <= QUEUE_SIZE / 2) {
    throttled = 0;
    uart_set_rx_interrupt(1);
    drain();
  }
  return c;
}

int rx_queue_wait(void) {
  irq_mask();
  int c;
  /* Masked check, then WFI: a byte arriving in between leaves its interrupt pending, which
   * wakes WFI and is taken as soon as IRQs are unmasked. */
  while ((c = rx_queue_pop()) < 0) {
    wfi();
    irq_unmask();
    isb();
    irq_mask();
  }
  irq_unmask();
  return c;
}

u64 rx_queue_interrupts(void) { return interrupts; }
