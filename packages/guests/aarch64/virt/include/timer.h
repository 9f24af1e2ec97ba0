/* The EL1 virtual timer (CNTV_*), PPI 27. */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include "types.h"

#define VTIMER_INTID 27

u64 timer_frequency(void);
u64 timer_count(void);
/* Fires once, ticks after now (in counter ticks). */
void timer_arm(u64 ticks);
void timer_stop(void);

#endif
