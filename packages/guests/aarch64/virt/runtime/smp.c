/* Secondary CPU start-up through PSCI CPU_ON, and the flags CPUs use to take turns. */
#include "exceptions.h"
#include "machine.h"
#include "psci.h"
#include "smp.h"
#include "sysreg.h"
#include "timer.h"

#define RETRY_GAP_DIVISOR 1000 /* retry every millisecond... */
#define RETRY_LIMIT 1000      /* ...for at most a second */

extern char secondary_start[];

static secondary_fn secondary_work[MAX_CPUS];

void flag_set(volatile u32 *flag, u32 value) {
  dmb_sy();
  *flag = value;
  dsb_sy();
  __asm__ volatile("sev");
}

u32 flag_wait(volatile u32 *flag, u32 value, u64 timeout_ticks) {
  u64 start = timer_count();
  while (*flag != value) {
    if (timeout_ticks != 0 && timer_count() - start > timeout_ticks) return 0;
  }
  dmb_sy();
  return 1;
}

s64 smp_start_cpu(u32 index, u64 mpidr, secondary_fn fn) {
  if (index == 0 || index >= MAX_CPUS) return -2; /* PSCI INVALID_PARAMETERS */
  secondary_work[index] = fn;
  dsb_sy();
  s64 result = PSCI_ALREADY_ON;
  /* A CPU that just called CPU_OFF may still be on its way down: try again. */
  u64 gap = timer_frequency() / RETRY_GAP_DIVISOR;
  for (int attempt = 0; attempt < RETRY_LIMIT; attempt++) {
    result = psci_cpu_on(mpidr, (u64)secondary_start, index);
    if (result != PSCI_ALREADY_ON && result != PSCI_ON_PENDING) break;
    u64 start = timer_count();
    while (timer_count() - start < gap) {
    }
  }
  return result;
}

void runtime_secondary(u64 index) {
  exceptions_install();
  secondary_fn fn = index < MAX_CPUS ? secondary_work[index] : NULL;
  if (fn != NULL) fn((u32)index);
  psci_cpu_off();
}
