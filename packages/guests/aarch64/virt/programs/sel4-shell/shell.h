/* The interactive default guest: shared declarations of its parts. */
#ifndef SHELL_H
#define SHELL_H

#include "types.h"

#define LINE_MAX 128

/* Reads one edited line (echoed, backspace and Ctrl-U honoured) into buf, NUL-terminated. */
void read_line(char *buf, usize size);

/* Runs one command line. */
void run_command(char *line);

/* The background 100 Hz virtual-timer tick on the boot CPU. */
void ticker_start(void);
u64 ticker_count(void);

/* The `smp` command: runs a small job on every other CPU through PSCI CPU_ON. */
void run_on_every_cpu(void);

#endif
