/* Polled 16550 driver. FIFOs stay off: enabling them would drop a byte already received. */
#include "serial.h"

#include "io.h"

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR_RTS_OUT2 0x0B /* OUT2 gates the UART's interrupt line on PCs */
#define DIVISOR_115200 1

void serial_init(void)
{
    outb(SERIAL_BASE + SERIAL_IER, 0);
    outb(SERIAL_BASE + SERIAL_LCR, LCR_DLAB);
    outb(SERIAL_BASE + SERIAL_DLL, DIVISOR_115200);
    outb(SERIAL_BASE + SERIAL_DLM, 0);
    outb(SERIAL_BASE + SERIAL_LCR, LCR_8N1);
    outb(SERIAL_BASE + SERIAL_FCR, 0);
    outb(SERIAL_BASE + SERIAL_MCR, MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
    while (!(inb(SERIAL_BASE + SERIAL_LSR) & SERIAL_LSR_THR_EMPTY)) {
    }
    outb(SERIAL_BASE + SERIAL_THR, (uint8_t)c);
}

int serial_can_read(void)
{
    return (inb(SERIAL_BASE + SERIAL_LSR) & SERIAL_LSR_DATA_READY) != 0;
}

uint8_t serial_getc(void)
{
    while (!serial_can_read()) {
    }
    return inb(SERIAL_BASE + SERIAL_RBR);
}

void serial_enable_receive_interrupt(void)
{
    outb(SERIAL_BASE + SERIAL_IER, SERIAL_IER_RECEIVED_DATA);
}
