/* Counts virtual-timer interrupts since boot: the timer is re-armed 10 ms ahead on every tick. */
#include "exceptions.h"
#include "gic.h"
#include "shell.h"
#include "timer.h"

#define TICKS_PER_SECOND 100

static volatile u64 ticks;
static u64 interval;

static void on_tick(u32 intid) {
  (void)intid;
  ticks++;
  timer_arm(interval);
}

void ticker_start(void) {
  interval = timer_frequency() / TICKS_PER_SECOND;
  if (interval == 0) interval = 1;
  exceptions_set_irq_handler(VTIMER_INTID, on_tick);
  gic_enable_interrupt(VTIMER_INTID);
  timer_arm(interval);
}

u64 ticker_count(void) { return ticks; }
