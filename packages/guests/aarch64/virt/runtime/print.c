/* Formatted output without a C library. */
#include "print.h"
#include "uart.h"

void print_n(const char *s, usize n) {
  for (usize i = 0; i < n; i++) {
    if (s[i] == '\n') uart_putc('\r');
    uart_putc(s[i]);
  }
}

void print(const char *s) {
  while (*s) {
    if (*s == '\n') uart_putc('\r');
    uart_putc(*s++);
  }
}

void print_hex(u64 value) {
  char digits[16];
  int n = 0;
  do {
    u32 nibble = value & 0xf;
    digits[n++] = (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
    value >>= 4;
  } while (value != 0);
  uart_putc('0');
  uart_putc('x');
  while (n > 0) uart_putc(digits[--n]);
}

void print_dec(u64 value) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) uart_putc(digits[--n]);
}

void print_signed(s64 value) {
  if (value < 0) {
    uart_putc('-');
    print_dec((u64)0 - (u64)value);
  } else {
    print_dec((u64)value);
  }
}
