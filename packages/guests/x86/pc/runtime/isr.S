/* One entry stub per IDT vector. Each pushes a zero error code where the CPU pushes none, then the
 * vector number, and joins isr_common, which saves the registers as struct interrupt_frame. */
    .text

    .macro isr_stub vector
    .align 8
isr_stub_\vector:
    .if (\vector == 8) || (\vector == 10) || (\vector == 11) || (\vector == 12) || (\vector == 13) || (\vector == 14) || (\vector == 17)
    .else
    pushl $0
    .endif
    pushl $\vector
    jmp isr_common
    .endm

    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    isr_stub \v
    .endr

isr_common:
    pushal
    cld
    pushl %esp
    call interrupt_dispatch
    addl $4, %esp
    popal
    addl $8, %esp /* vector and error code */
    iret

    .section .rodata
    .align 4
    .globl isr_stub_table
isr_stub_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .long isr_stub_\v
    .endr
