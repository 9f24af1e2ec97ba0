/* Virtual timer: CNTV_TVAL arms a one-shot compare, CNTV_CTL enables it (IMASK clear). */
#include "sysreg.h"
#include "timer.h"

#define CNTV_CTL_ENABLE 1u
#define CNTV_CTL_IMASK 2u

u64 timer_frequency(void) { return read_sysreg(cntfrq_el0); }

u64 timer_count(void) {
  isb();
  return read_sysreg(cntvct_el0);
}

void timer_arm(u64 ticks) {
  write_sysreg(cntv_cval_el0, timer_count() + ticks);
  write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
  isb();
}

void timer_stop(void) {
  write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
  isb();
}
