/* sel4-shell, the default interactive guest: a banner, then a prompt reading lines from the
 * PL011 by interrupt (idling in WFI) with a 100 Hz virtual-timer tick in the background. */
#include "gic.h"
#include "machine.h"
#include "print.h"
#include "runtime.h"
#include "rx_queue.h"
#include "shell.h"

void guest_main(void) {
  gic_init_distributor();
  gic_init_cpu_interface();
  ticker_start();
  rx_queue_start();
  const struct machine *m = machine();
  print("\nsel4-shell: a bare-metal AArch64 guest for QEMU virt and the @sel4 VMM\n");
  print_dec(m->cpu_count);
  print(m->cpu_count == 1 ? " CPU, " : " CPUs, ");
  print_dec(m->memory_size >> 20);
  print(" MiB of RAM. Type 'help' for the commands.\n");
  char line[LINE_MAX];
  for (;;) {
    print("sel4> ");
    read_line(line, sizeof line);
    run_command(line);
  }
}
