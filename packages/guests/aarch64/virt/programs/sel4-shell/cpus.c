/* The `smp` command. Every CPU of the device tree other than this one is started in turn with
 * PSCI CPU_ON, computes a sum that depends on its slot, reports who it is and powers off with
 * CPU_OFF; this CPU prints the reports in order, so the output is deterministic. */
#include "machine.h"
#include "print.h"
#include "shell.h"
#include "smp.h"
#include "sysreg.h"
#include "timer.h"

#define AFFINITY_MASK 0xff00ffffffUL
/* Generous: a loaded host may leave an emulated CPU unscheduled for a while. */
#define ANSWER_SECONDS 5

struct cpu_report {
  volatile u32 done; /* the generation it answered */
  volatile u64 aff0;
  volatile u64 el;
  volatile u64 sum;
};

static struct cpu_report reports[MAX_CPUS];
static volatile u32 generation;

static u64 job_size(u32 slot) { return 1000UL * (slot + 1); }

static void job(u32 slot) {
  u64 sum = 0;
  for (u64 i = 1; i <= job_size(slot); i++) sum += i;
  reports[slot].aff0 = this_cpu_aff0();
  reports[slot].el = (read_sysreg(CurrentEL) >> 2) & 3;
  reports[slot].sum = sum;
  flag_set(&reports[slot].done, generation);
}

static void report_cpu(u32 slot, u64 mpidr) {
  struct cpu_report *r = &reports[slot];
  print("cpu ");
  print_hex(mpidr);
  print(": answered from MPIDR.Aff0 ");
  print_dec(r->aff0);
  print(" at EL");
  print_dec(r->el);
  print(", sum 1..");
  print_dec(job_size(slot));
  print(" = ");
  print_dec(r->sum);
  print("\n");
}

void run_on_every_cpu(void) {
  const struct machine *m = machine();
  u64 self = read_sysreg(mpidr_el1) & AFFINITY_MASK;
  u32 known = m->cpu_count < MAX_CPUS ? m->cpu_count : MAX_CPUS;
  u32 answered = 1;
  u32 slot = 0;
  generation++;
  print("cpu ");
  print_hex(self);
  print(": this CPU runs the shell\n");
  for (u32 i = 0; i < known; i++) {
    u64 mpidr = m->cpu_mpidr[i];
    if ((mpidr & AFFINITY_MASK) == self) continue;
    slot++;
    s64 result = smp_start_cpu(slot, mpidr, job);
    if (result != 0) {
      print("cpu ");
      print_hex(mpidr);
      print(": CPU_ON failed (PSCI ");
      print_signed(result);
      print(")\n");
      continue;
    }
    if (!flag_wait(&reports[slot].done, generation, ANSWER_SECONDS * timer_frequency())) {
      print("cpu ");
      print_hex(mpidr);
      print(": no answer in time\n");
      continue;
    }
    report_cpu(slot, mpidr);
    answered++;
  }
  print("smp: ");
  print_dec(answered);
  print(" of ");
  print_dec(m->cpu_count);
  print(" CPUs answered");
  if (m->cpu_count > MAX_CPUS) {
    print(" (only the first ");
    print_dec(MAX_CPUS);
    print(" are tried)");
  }
  print("\n");
}
