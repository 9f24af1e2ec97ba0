/* Two CPUs taking turns on the console. CPU 0 starts CPU 1 with PSCI CPU_ON; a shared turn flag
 * orders every line, so the output is the same however the CPUs are scheduled. CPU 1 powers
 * itself off with CPU_OFF (by the runtime, when its function returns); CPU 0 then starts it a
 * second time to show that CPU_OFF really released it. */
#include "machine.h"
#include "print.h"
#include "psci.h"
#include "runtime.h"
#include "smp.h"
#include "sysreg.h"
#include "timer.h"

#define SECOND_CPU 1

static volatile u32 turn;
static volatile u32 runs;

/* Generous: a loaded host may leave an emulated CPU unscheduled for a while. */
static u64 answer_timeout(void) { return 5 * timer_frequency(); }

static void secondary(u32 index) {
  u32 run = runs;
  flag_wait(&turn, 1, 0);
  print("cpu");
  print_dec(index);
  print(": up (run ");
  print_dec(run);
  print("), MPIDR.Aff0 = ");
  print_dec(this_cpu_aff0());
  print(", CurrentEL = EL");
  print_dec((read_sysreg(CurrentEL) >> 2) & 3);
  print("\n");
  flag_set(&turn, 2);
  flag_wait(&turn, 3, 0);
  print("cpu");
  print_dec(index);
  print(": calling CPU_OFF\n");
  flag_set(&turn, 4);
}

static int run_second_cpu(u32 run) {
  const struct machine *m = machine();
  u64 mpidr = m->cpu_mpidr[SECOND_CPU];
  runs = run;
  turn = 0;
  print("cpu0: CPU_ON cpu1 -> ");
  s64 result = smp_start_cpu(SECOND_CPU, mpidr, secondary);
  print_signed(result);
  print("\n");
  if (result != PSCI_SUCCESS) return 0;
  flag_set(&turn, 1);
  if (!flag_wait(&turn, 2, answer_timeout())) {
    print("cpu0: cpu1 did not answer\n");
    return 0;
  }
  print("cpu0: cpu1 answered\n");
  flag_set(&turn, 3);
  if (!flag_wait(&turn, 4, answer_timeout())) {
    print("cpu0: cpu1 did not finish\n");
    return 0;
  }
  return 1;
}

void guest_main(void) {
  const struct machine *m = machine();
  print("smp: ");
  print_dec(m->cpu_count);
  print(" CPUs in the device tree, PSCI major version ");
  print_dec((u64)psci_version() >> 16);
  print("\n");
  if (m->cpu_count < 2) {
    print("smp: needs at least 2 CPUs (-smp 2)\n");
    return;
  }
  if (run_second_cpu(1) && run_second_cpu(2)) print("smp: done\n");
}
