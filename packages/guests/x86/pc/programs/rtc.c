/* rtc: the CMOS clock's date and time to the minute (seconds would depend on how long boot took),
 * the status registers' format bits, and a CMOS RAM byte written and read back. Run with a fixed
 * RTC start (QEMU: -rtc base=...,clock=vm) the output is deterministic. */
#include "cmos.h"
#include "exit.h"
#include "print.h"
#include "runtime.h"

#define CMOS_SCRATCH 0x40 /* general-purpose CMOS RAM, unused by the clock */
#define UPDATE_WAIT_LIMIT 10000000u

struct rtc_time {
    uint8_t century, year, month, day, weekday, hours, minutes;
};

static uint8_t from_bcd(uint8_t value)
{
    return (uint8_t)((value >> 4) * 10 + (value & 0xF));
}

static struct rtc_time read_time(int binary)
{
    struct rtc_time t = {
        cmos_read(CMOS_CENTURY), cmos_read(CMOS_YEAR),    cmos_read(CMOS_MONTH),
        cmos_read(CMOS_DAY),     cmos_read(CMOS_WEEKDAY), cmos_read(CMOS_HOURS),
        cmos_read(CMOS_MINUTES),
    };
    if (!binary) {
        t.century = from_bcd(t.century);
        t.year = from_bcd(t.year);
        t.month = from_bcd(t.month);
        t.day = from_bcd(t.day);
        t.weekday = from_bcd(t.weekday);
        t.hours = from_bcd(t.hours);
        t.minutes = from_bcd(t.minutes);
    }
    return t;
}

static void print_two_digits(uint8_t value)
{
    print_char((char)('0' + value / 10 % 10));
    print_char((char)('0' + value % 10));
}

static int same_time(const struct rtc_time *a, const struct rtc_time *b)
{
    return a->century == b->century && a->year == b->year && a->month == b->month &&
           a->day == b->day && a->weekday == b->weekday && a->hours == b->hours &&
           a->minutes == b->minutes;
}

/* Waits out an update in progress, then reads until two reads agree (an update may start between). */
static struct rtc_time read_stable_time(int binary)
{
    struct rtc_time previous, current;
    uint32_t waited = 0;
    do {
        while ((cmos_read(CMOS_STATUS_A) & CMOS_A_UPDATE_IN_PROGRESS) && waited < UPDATE_WAIT_LIMIT) {
            waited++;
        }
        previous = read_time(binary);
        current = read_time(binary);
    } while (!same_time(&previous, &current));
    return current;
}

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    print("rtc: start\n");
    const uint8_t status_b = cmos_read(CMOS_STATUS_B);
    print("status B: ");
    print_hex8(status_b);
    print(status_b & CMOS_B_24_HOUR ? " (24-hour" : " (12-hour");
    print(status_b & CMOS_B_BINARY ? ", binary)\n" : ", BCD)\n");
    print("status D: ");
    print_hex8(cmos_read(CMOS_STATUS_D));
    print("\n");

    const struct rtc_time t = read_stable_time(status_b & CMOS_B_BINARY);
    print("date: ");
    print_two_digits(t.century);
    print_two_digits(t.year);
    print("-");
    print_two_digits(t.month);
    print("-");
    print_two_digits(t.day);
    print(" weekday ");
    print_dec(t.weekday);
    print(" time ");
    print_two_digits(t.hours);
    print(":");
    print_two_digits(t.minutes);
    print("\n");

    cmos_write(CMOS_SCRATCH, 0xA5);
    const uint8_t scratch = cmos_read(CMOS_SCRATCH);
    print("cmos ram byte: wrote 0xa5, read ");
    print_hex8(scratch);
    print("\n");
    print(scratch == 0xA5 ? "rtc: done\n" : "rtc: FAILED\n");
    return scratch == 0xA5 ? 0 : EXIT_FAILURE_CODE;
}
