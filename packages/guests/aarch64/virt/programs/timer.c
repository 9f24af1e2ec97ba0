/* Virtual timer interrupts (PPI 27) through the GIC, idling in WFI between them. The handler
 * re-arms the timer 10 ms ahead; the main loop prints each tick it sees, so the output does not
 * depend on how long printing takes. */
#include "exceptions.h"
#include "gic.h"
#include "print.h"
#include "runtime.h"
#include "sysreg.h"
#include "timer.h"

#define TICKS_WANTED 5
#define TICKS_PER_SECOND 100

static volatile u64 ticks;
static u64 interval;

static void on_timer(u32 intid) {
  (void)intid;
  ticks++;
  if (ticks < TICKS_WANTED) {
    timer_arm(interval);
  } else {
    timer_stop();
  }
}

void guest_main(void) {
  interval = timer_frequency() / TICKS_PER_SECOND;
  print("timer: counter frequency ");
  print(timer_frequency() != 0 ? "known" : "zero");
  print(", ");
  print_dec(TICKS_PER_SECOND);
  print(" Hz ticks\n");
  exceptions_set_irq_handler(VTIMER_INTID, on_timer);
  gic_init_distributor();
  gic_init_cpu_interface();
  gic_enable_interrupt(VTIMER_INTID);
  u64 start = timer_count();
  timer_arm(interval);
  u64 printed = 0;
  /* Check-then-sleep with IRQs masked: WFI still wakes on a pending interrupt, which is taken
   * once unmasked, so no tick is lost between the check and the sleep. */
  irq_mask();
  while (printed < TICKS_WANTED) {
    while (printed < ticks) {
      printed++;
      print("tick ");
      print_dec(printed);
      print("\n");
    }
    if (printed >= TICKS_WANTED) break;
    wfi();
    irq_unmask();
    isb();
    irq_mask();
  }
  u64 elapsed = timer_count() - start;
  gic_disable_interrupt(VTIMER_INTID);
  print("timer: ");
  print_dec(printed);
  print(" ticks, counter advanced at least ");
  print_dec(TICKS_WANTED * 10);
  print(" ms: ");
  print(elapsed >= TICKS_WANTED * interval ? "yes\n" : "no\n");
}
