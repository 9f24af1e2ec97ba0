/* Text output on the UART: strings ("\n" becomes "\r\n"), hexadecimal and decimal numbers. */
#ifndef GUEST_PRINT_H
#define GUEST_PRINT_H

#include "types.h"

void print(const char *s);
void print_n(const char *s, usize n);
void print_hex(u64 value);
void print_dec(u64 value);
void print_signed(s64 value);

#endif
