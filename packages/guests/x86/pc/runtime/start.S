/* Multiboot v1 header and the entry point. The loader enters _start in 32-bit protected mode with
 * flat segments, paging and interrupts off, EAX = 0x2BADB002 and EBX = the information structure. */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_HEADER_FLAGS 0x00000003 /* page-aligned modules, memory information */
#define STACK_SIZE 16384

    .section .multiboot, "a"
    .align 4
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_HEADER_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    cli
    cld
    movl $stack_top, %esp
    /* Keep EAX and EBX (callee-saved registers survive the zeroing below). */
    movl %eax, %esi
    movl %ebx, %ebp
    /* Zero .bss: a loader need not. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    pushl %ebp
    pushl %esi
    call runtime_main
    /* runtime_main does not return. */
1:  cli
    hlt
    jmp 1b
    .size _start, . - _start

    .section .bss
    .align 16
stack_bottom:
    .skip STACK_SIZE
stack_top:
