/* QEMU's isa-debug-exit device at port 0xF4: writing V ends the run with status (V << 1) | 1. */
#ifndef PC_EXIT_H
#define PC_EXIT_H

#include <stdint.h>

#define DEBUG_EXIT_PORT 0xF4
/* Status value a program uses when something it checked went wrong (QEMU exits with 255). */
#define EXIT_FAILURE_CODE 0x7F

/* Never returns: when no exit device answers, the CPU halts with interrupts off. */
__attribute__((noreturn)) void debug_exit(uint8_t value);

#endif
