/* echo: the UART receiver, interrupt driven (IRQ 4 through the PIC, HLT while waiting). Every byte
 * read is echoed back; '~' ends the run with a byte count and checksum. Feed it on stdin. */
#include "idt.h"
#include "io.h"
#include "pic.h"
#include "print.h"
#include "runtime.h"
#include "serial.h"

#define END_OF_INPUT '~'
#define QUEUE_SIZE 64 /* a power of two */

/* Bytes the IRQ 4 handler took from the UART, oldest at `head`; free-running indices. */
static volatile uint8_t queue[QUEUE_SIZE];
static volatile uint32_t head;
static volatile uint32_t tail;

/* Takes what the UART holds while the queue has room. A byte left behind (queue full) stays in the
 * UART, which then accepts no more: input is never dropped, whatever its timing. */
static void on_serial_interrupt(struct interrupt_frame *frame)
{
    (void)frame;
    while (tail - head < QUEUE_SIZE && serial_can_read()) {
        queue[tail % QUEUE_SIZE] = inb(SERIAL_BASE + SERIAL_RBR);
        tail = tail + 1;
    }
    pic_eoi(SERIAL_IRQ);
}

/* Waits (HLT) for the next received byte. Runs with interrupts off between checks. */
static uint8_t next_byte(void)
{
    while (head == tail) {
        /* The PIC is edge triggered: a byte the handler left behind raises no new interrupt. */
        if (serial_can_read()) {
            return inb(SERIAL_BASE + SERIAL_RBR);
        }
        wait_for_interrupt();
    }
    const uint8_t byte = queue[head % QUEUE_SIZE];
    head = head + 1;
    return byte;
}

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    idt_init();
    pic_init();
    idt_set_handler(PIC_VECTOR_BASE + SERIAL_IRQ, on_serial_interrupt);
    pic_unmask(SERIAL_IRQ);
    serial_enable_receive_interrupt();
    print("echo: ready, '~' ends\n");
    uint32_t count = 0;
    uint32_t lines = 0;
    uint32_t checksum = 0;
    for (;;) {
        const uint8_t byte = next_byte();
        if (byte == END_OF_INPUT) {
            break;
        }
        print_char((char)byte);
        count++;
        lines += byte == '\n';
        checksum = (checksum << 3 | checksum >> 29) ^ byte;
    }
    print("\necho: ");
    print_dec(count);
    print(" bytes, ");
    print_dec(lines);
    print(" lines, checksum ");
    print_hex32(checksum);
    print("\n");
    return 0;
}
