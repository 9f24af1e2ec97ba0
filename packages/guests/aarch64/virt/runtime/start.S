// Entry points. The boot CPU enters _start at EL1 with the MMU off and x0 = device tree address
// (or 0: QEMU enters ELF programs with zeroed registers). Secondary CPUs enter secondary_start
// from PSCI CPU_ON with x0 = the context id, which is their index.

#define BOOT_STACK_SIZE 16384
#define SECONDARY_STACK_SIZE 8192
#define MAX_CPUS 8

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x19, x0                 // keep the boot argument while .bss is cleared
    msr     daifset, #0xf           // mask everything until handlers exist
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  ldr     x1, =boot_stack_top
    mov     sp, x1
    mov     x0, x19
    bl      runtime_boot            // never returns
3:  wfi
    b       3b

    .text
    .global secondary_start
secondary_start:
    msr     daifset, #0xf
    and     x19, x0, #(MAX_CPUS - 1)
    ldr     x1, =secondary_stacks
    add     x2, x19, #1
    mov     x3, #SECONDARY_STACK_SIZE
    madd    x1, x2, x3, x1          // top of this CPU's stack
    mov     sp, x1
    mov     x0, x19
    bl      runtime_secondary       // never returns
4:  wfi
    b       4b

    .bss
    .balign 16
boot_stack:
    .space  BOOT_STACK_SIZE
boot_stack_top:
    .balign 16
    .global secondary_stacks
secondary_stacks:
    .space  SECONDARY_STACK_SIZE * MAX_CPUS
