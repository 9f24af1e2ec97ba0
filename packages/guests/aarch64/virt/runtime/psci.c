/* PSCI over HVC (QEMU virt without EL2/EL3) or SMC, chosen from the device tree at boot. */
#include "psci.h"

static int conduit_smc;

void psci_use_smc(int use_smc) { conduit_smc = use_smc; }

static s64 psci_call(u64 function, u64 arg1, u64 arg2, u64 arg3) {
  register u64 x0 __asm__("x0") = function;
  register u64 x1 __asm__("x1") = arg1;
  register u64 x2 __asm__("x2") = arg2;
  register u64 x3 __asm__("x3") = arg3;
  /* x7 = 0, the SMCCC client id. Under seL4 a guest HVC enters the kernel's system-call path with
   * x7 as the call number; 0 is no seL4 call, so the VMM always sees an UnknownSyscall fault. */
  register u64 x7 __asm__("x7") = 0;
  /* SMCCC lets the callee clobber x4..x17. */
  if (conduit_smc) {
    __asm__ volatile("smc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x7)
                     :
                     : "x4", "x5", "x6", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                       "x15", "x16", "x17", "memory");
  } else {
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x7)
                     :
                     : "x4", "x5", "x6", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                       "x15", "x16", "x17", "memory");
  }
  return (s64)x0;
}

s64 psci_version(void) { return psci_call(PSCI_VERSION, 0, 0, 0); }

s64 psci_cpu_on(u64 target_mpidr, u64 entry, u64 context) {
  return psci_call(PSCI_CPU_ON_64, target_mpidr, entry, context);
}

void psci_cpu_off(void) {
  psci_call(PSCI_CPU_OFF, 0, 0, 0);
  for (;;) __asm__ volatile("wfi");
}

void psci_system_off(void) {
  psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
  for (;;) __asm__ volatile("wfi");
}
