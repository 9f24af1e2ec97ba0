/* The CMOS RTC: index port 0x70 (bit 7 set keeps NMI disabled), data port 0x71. */
#ifndef PC_CMOS_H
#define PC_CMOS_H

#include <stdint.h>

#define CMOS_SECONDS 0x00
#define CMOS_MINUTES 0x02
#define CMOS_HOURS 0x04
#define CMOS_WEEKDAY 0x06
#define CMOS_DAY 0x07
#define CMOS_MONTH 0x08
#define CMOS_YEAR 0x09
#define CMOS_STATUS_A 0x0A
#define CMOS_STATUS_B 0x0B
#define CMOS_STATUS_D 0x0D
#define CMOS_CENTURY 0x32

#define CMOS_A_UPDATE_IN_PROGRESS 0x80
#define CMOS_B_24_HOUR 0x02
#define CMOS_B_BINARY 0x04

uint8_t cmos_read(uint8_t reg);
void cmos_write(uint8_t reg, uint8_t value);

#endif
