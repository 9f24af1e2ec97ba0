/* Console formatting on top of serial_putc. Newlines go out as a bare '\n' (no CR). */
#include "print.h"

#include "serial.h"

static const char hex_digits[] = "0123456789abcdef";

void print_char(char c)
{
    serial_putc(c);
}

void print(const char *text)
{
    while (*text) {
        serial_putc(*text++);
    }
}

static void print_digits(uint32_t value, int digits)
{
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        serial_putc(hex_digits[(value >> shift) & 0xF]);
    }
}

void print_hex32(uint32_t value)
{
    print("0x");
    print_digits(value, 8);
}

void print_hex8(uint8_t value)
{
    print("0x");
    print_digits(value, 2);
}

void print_hex64(uint32_t high, uint32_t low)
{
    print("0x");
    print_digits(high, 8);
    print_digits(low, 8);
}

void print_dec(uint32_t value)
{
    char digits[10];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (count > 0) {
        serial_putc(digits[--count]);
    }
}

void print_field(const char *label, uint32_t value)
{
    print(label);
    print_hex32(value);
    serial_putc('\n');
}
