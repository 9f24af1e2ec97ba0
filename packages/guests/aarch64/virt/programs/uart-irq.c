/* An emulated device with interrupts: PL011 receive interrupts (SPI 33) through the GIC. Every
 * byte typed (or piped into the emulator's stdin) is echoed from the interrupt-fed queue, never by
 * polling the UART, until Ctrl-D (0x04) arrives. */
#include "gic.h"
#include "print.h"
#include "runtime.h"
#include "rx_queue.h"
#include "uart.h"

#define TERMINATOR 0x04

static void echo(int c) {
  if (c == '\r' || c == '\n') {
    print("\n");
  } else if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
    uart_putc((char)c);
  } else {
    print("<");
    print_hex((u64)c);
    print(">");
  }
}

void guest_main(void) {
  gic_init_distributor();
  gic_init_cpu_interface();
  rx_queue_start();
  print("uart-irq: echoing input received by interrupt; Ctrl-D ends\n");
  u64 count = 0;
  for (;;) {
    int c = rx_queue_wait();
    if (c == TERMINATOR) break;
    count++;
    echo(c);
  }
  print("\nuart-irq: ");
  print_dec(count);
  print(" bytes echoed, receive interrupts taken: ");
  print(rx_queue_interrupts() > 0 ? "yes\n" : "no\n");
}
