/* Exception entry: the vector table saves this frame and calls exception_entry. */
#ifndef GUEST_EXCEPTIONS_H
#define GUEST_EXCEPTIONS_H

#include "types.h"

struct exception_frame {
  u64 x[31];
  u64 elr;
  u64 spsr;
  u64 esr;
  u64 far;
  u64 kind;
};

#define EXCEPTION_SYNC 0
#define EXCEPTION_IRQ 1
#define EXCEPTION_FIQ 2
#define EXCEPTION_SERROR 3

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)
#define EC_UNKNOWN 0x00
#define EC_SVC64 0x15
#define EC_DATA_ABORT_SAME_EL 0x25
#define EC_BRK 0x3c

/* Returns 1 when handled (the frame, with its elr, is restored), 0 to report and power off. */
typedef int (*sync_handler_fn)(struct exception_frame *frame);
typedef void (*irq_handler_fn)(u32 intid);

void exceptions_install(void);
void exceptions_set_sync_handler(sync_handler_fn fn);
/* Handlers for INTIDs 0..63 (SGIs, PPIs and the first SPIs, all QEMU virt needs here). */
void exceptions_set_irq_handler(u32 intid, irq_handler_fn fn);

#endif
