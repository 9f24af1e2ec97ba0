/* Formatting on the serial console. No varargs: one call per piece keeps the output exact. */
#ifndef PC_PRINT_H
#define PC_PRINT_H

#include <stdint.h>

void print(const char *text);
void print_char(char c);
/* "0x" and exactly 8 lowercase hex digits. */
void print_hex32(uint32_t value);
/* "0x" and exactly 2 lowercase hex digits. */
void print_hex8(uint8_t value);
/* "0x" and exactly 16 lowercase hex digits of high:low. */
void print_hex64(uint32_t high, uint32_t low);
void print_dec(uint32_t value);
/* print(label), print_hex32(value), newline. */
void print_field(const char *label, uint32_t value);

#endif
