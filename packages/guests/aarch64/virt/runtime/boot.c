/* Boot CPU set-up after start.S: console, vectors, device tree, PSCI conduit, then the program.
 * Returning from guest_main powers the machine off. */
#include "exceptions.h"
#include "machine.h"
#include "psci.h"
#include "runtime.h"
#include "uart.h"

void runtime_boot(u64 boot_x0) {
  uart_init();
  exceptions_install();
  machine_init(boot_x0);
  psci_use_smc(machine()->psci_smc);
  guest_main();
  psci_system_off();
}
