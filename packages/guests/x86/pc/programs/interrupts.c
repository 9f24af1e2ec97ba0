/* interrupts: an IDT with handled exceptions (#DE is a fault, INT3 a trap), the PICs remapped,
 * the PIT's channel 0 ticking at 100 Hz while the CPU waits in HLT, and channel 2's output seen
 * through port 0x61. */
#include "exit.h"
#include "idt.h"
#include "pic.h"
#include "pit.h"
#include "print.h"
#include "runtime.h"

#define TICKS_WANTED 10
#define TICK_HZ 100
#define CHANNEL2_COUNT 1193 /* 1 ms: few polls, each an I/O exit under a VMM */
#define CHANNEL2_POLL_LIMIT 10000000u /* gives up rather than hang when OUT never rises */

/* Interrupt handlers and guest_main share these; volatile because handlers change them. */
static volatile uint32_t ticks;
static volatile uint32_t divide_error_eip;
static volatile uint32_t breakpoint_eip;

extern const char divide_instruction[], after_breakpoint[];

static void on_divide_error(struct interrupt_frame *frame)
{
    divide_error_eip = frame->eip;
    frame->eip += 2; /* skip "div %ecx" (F7 F1): #DE is a fault, EIP points at the instruction */
}

static void on_breakpoint(struct interrupt_frame *frame)
{
    breakpoint_eip = frame->eip; /* INT3 is a trap: EIP is the next instruction */
}

static void on_timer(struct interrupt_frame *frame)
{
    (void)frame;
    ticks = ticks + 1;
    pic_eoi(PIT_IRQ);
}

static void test_exceptions(void)
{
    uint32_t quotient;
    __asm__ volatile("xorl %%ecx, %%ecx\n\t"
                     "xorl %%edx, %%edx\n\t"
                     "movl $7, %%eax\n\t"
                     ".globl divide_instruction\n"
                     "divide_instruction:\n\t"
                     "divl %%ecx\n\t"
                     "int3\n\t"
                     ".globl after_breakpoint\n"
                     "after_breakpoint:"
                     : "=a"(quotient)
                     :
                     : "ecx", "edx", "memory");
    (void)quotient;
    print("divide error at the div instruction: ");
    print(divide_error_eip == (uint32_t)divide_instruction ? "yes\n" : "no\n");
    print("breakpoint returned after int3: ");
    print(breakpoint_eip == (uint32_t)after_breakpoint ? "yes\n" : "no\n");
}

static void test_timer_ticks(void)
{
    pic_init();
    pit_start_periodic(TICK_HZ);
    pic_unmask(PIT_IRQ);
    while (ticks < TICKS_WANTED) {
        wait_for_interrupt();
    }
    pic_mask(PIT_IRQ);
    pit_stop();
    print("timer ticks: ");
    print_dec(ticks);
    print("\n");
}

static int test_channel2(void)
{
    pit_channel2_start(CHANNEL2_COUNT);
    const int output_after_load = pit_channel2_output(); /* before printing takes any time */
    print("channel 2 output after load: ");
    print_dec((uint32_t)output_after_load);
    print("\n");
    uint32_t polls = 0;
    while (!pit_channel2_output() && polls < CHANNEL2_POLL_LIMIT) {
        polls++;
    }
    const int output = pit_channel2_output();
    pit_channel2_stop();
    print("channel 2 output after terminal count: ");
    print_dec((uint32_t)output);
    print("\n");
    return output && !output_after_load;
}

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    print("interrupts: start\n");
    idt_init();
    idt_set_handler(VECTOR_DIVIDE_ERROR, on_divide_error);
    idt_set_handler(VECTOR_BREAKPOINT, on_breakpoint);
    idt_set_handler(PIC_VECTOR_BASE + PIT_IRQ, on_timer);
    test_exceptions();
    test_timer_ticks();
    const int channel2_ok = test_channel2();
    print("interrupts: done\n");
    return channel2_ok ? 0 : EXIT_FAILURE_CODE;
}
