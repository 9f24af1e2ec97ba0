/* From the entry stub to the program: console, GDT, then guest_main; its result is the exit value. */
#include "exit.h"
#include "gdt.h"
#include "runtime.h"
#include "serial.h"

__attribute__((noreturn)) void runtime_main(uint32_t magic, const struct multiboot_info *info);

void runtime_main(uint32_t magic, const struct multiboot_info *info)
{
    serial_init();
    gdt_init();
    debug_exit(guest_main(magic, info));
}
