/* i8254 channels 0 (IRQ 0) and 2 (gate and output through port 0x61). */
#include "pit.h"

#include "io.h"

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_MODE 0x43
#define PORT_61 0x61
#define PORT_61_GATE2 0x01
#define PORT_61_SPEAKER 0x02
#define PORT_61_OUT2 0x20

/* Mode/command bytes: channel in bits 7-6, access lobyte/hibyte (3) in bits 5-4, mode in 3-1. */
#define COMMAND_CHANNEL0_MODE0 0x30
#define COMMAND_CHANNEL0_MODE2 0x34
#define COMMAND_CHANNEL2_MODE0 0xB0

static void write_count(uint16_t port, uint16_t count)
{
    outb(port, (uint8_t)count);
    outb(port, (uint8_t)(count >> 8));
}

void pit_start_periodic(uint32_t hz)
{
    outb(PIT_MODE, COMMAND_CHANNEL0_MODE2);
    write_count(PIT_CHANNEL0, (uint16_t)(PIT_FREQUENCY_HZ / hz));
}

void pit_stop(void)
{
    outb(PIT_MODE, COMMAND_CHANNEL0_MODE0);
    write_count(PIT_CHANNEL0, 0xFFFF);
}

void pit_channel2_start(uint16_t count)
{
    /* Gate low while loading, then high: in mode 0 the count runs while the gate is high. */
    const uint8_t port61 = inb(PORT_61) & (uint8_t)~(PORT_61_GATE2 | PORT_61_SPEAKER);
    outb(PORT_61, port61);
    outb(PIT_MODE, COMMAND_CHANNEL2_MODE0);
    write_count(PIT_CHANNEL2, count);
    outb(PORT_61, port61 | PORT_61_GATE2);
}

int pit_channel2_output(void)
{
    return (inb(PORT_61) & PORT_61_OUT2) != 0;
}

void pit_channel2_stop(void)
{
    outb(PORT_61, inb(PORT_61) & (uint8_t)~(PORT_61_GATE2 | PORT_61_SPEAKER));
}
