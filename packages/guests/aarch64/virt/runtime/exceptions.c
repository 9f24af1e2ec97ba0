/* Dispatch from the vector table: IRQs through the GIC to registered handlers, synchronous
 * exceptions to the program's handler; anything unhandled is reported and powers the machine
 * off, so a broken guest still ends. */
#include "exceptions.h"
#include "gic.h"
#include "print.h"
#include "psci.h"
#include "sysreg.h"

#define IRQ_HANDLERS 64

extern char exception_vectors[];

static sync_handler_fn sync_handler;
static irq_handler_fn irq_handlers[IRQ_HANDLERS];

void exceptions_install(void) {
  write_sysreg(vbar_el1, (u64)exception_vectors);
  isb();
}

void exceptions_set_sync_handler(sync_handler_fn fn) { sync_handler = fn; }

void exceptions_set_irq_handler(u32 intid, irq_handler_fn fn) {
  if (intid < IRQ_HANDLERS) irq_handlers[intid] = fn;
}

static void dispatch_irqs(void) {
  for (;;) {
    u32 iar = gic_acknowledge();
    u32 intid = iar & 0x3ff;
    if (intid >= GIC_SPURIOUS - 3) return; /* 1020..1023: nothing (more) to take */
    if (intid < IRQ_HANDLERS && irq_handlers[intid] != NULL) {
      irq_handlers[intid](intid);
    } else {
      /* Nobody wants it: stop it firing again. */
      gic_disable_interrupt(intid);
    }
    gic_end_of_interrupt(iar);
  }
}

/* FAR_EL1 is only meaningful (architecturally defined) for aborts and PC alignment faults. */
static int far_is_valid(u64 esr) {
  u64 ec = ESR_EC(esr);
  return ec == 0x20 || ec == 0x21 || ec == 0x22 || ec == 0x24 || ec == 0x25;
}

static void report_and_power_off(struct exception_frame *frame) {
  print("\nunhandled exception: kind ");
  print_dec(frame->kind);
  print(" esr ");
  print_hex(frame->esr);
  print(" elr ");
  print_hex(frame->elr);
  if (frame->kind == EXCEPTION_SYNC && far_is_valid(frame->esr)) {
    print(" far ");
    print_hex(frame->far);
  }
  print("\npowering off\n");
  psci_system_off();
}

void exception_entry(struct exception_frame *frame) {
  if (frame->kind == EXCEPTION_IRQ) {
    dispatch_irqs();
    return;
  }
  if (frame->kind == EXCEPTION_SYNC && sync_handler != NULL && sync_handler(frame)) return;
  report_and_power_off(frame);
}
