/* CMOS register access; every index write also keeps NMI masked (bit 7), as PC firmware does. */
#include "cmos.h"

#include "io.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80

uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
    return inb(CMOS_DATA);
}

void cmos_write(uint8_t reg, uint8_t value)
{
    outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
    outb(CMOS_DATA, value);
}
