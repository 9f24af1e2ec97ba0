/* unhandled-fault: the failure path. UD2 raises #UD (vector 6), which no handler claims, so the
 * runtime prints the vector, error code and EIP and exits with EXIT_FAILURE_CODE (QEMU status 255). */
#include "idt.h"
#include "print.h"
#include "runtime.h"

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    idt_init();
    print("unhandled-fault: executing ud2\n");
    __asm__ volatile("ud2");
    print("unhandled-fault: still running (wrong)\n");
    return 0;
}
