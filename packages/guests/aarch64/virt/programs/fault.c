/* The runtime's safety net: an exception nobody handles is reported (kind, ESR, ELR, and FAR
 * for aborts) and the machine powers off instead of hanging. Here: a misaligned PC, whose
 * FAR and ELR both name the bad target. */
#include "print.h"
#include "runtime.h"

void guest_main(void) {
  print("fault: branching to a misaligned address with no handler installed\n");
  /* 0x40200002 is inside this program but not 4-byte aligned: PC alignment fault (EC 0x22). */
  __asm__ volatile("mov x0, #0x0002\n movk x0, #0x4020, lsl #16\n br x0" ::: "x0", "memory");
  print("fault: still running (wrong)\n");
}
