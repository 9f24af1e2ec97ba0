// VBAR_EL1 table: 16 entries of 0x80 bytes. Every entry saves x0..x30, ELR, SPSR, ESR and FAR in
// a struct exception_frame on the current stack and calls exception_entry(frame); the frame
// (possibly edited, e.g. ELR moved past a faulting instruction) is restored and ERET resumes.

#define FRAME_SIZE 288   // 31 + elr, spsr, esr, far, kind = 36 words, rounded to 16 bytes

    .macro  vector kind
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\kind
    b       exception_save
    .endm

    .section .vectors, "ax"
    .balign 2048
    .global exception_vectors
exception_vectors:
    // current EL with SP_EL0
    vector 0
    vector 1
    vector 2
    vector 3
    // current EL with SP_ELx (where this runtime always runs)
    vector 0
    vector 1
    vector 2
    vector 3
    // lower EL, AArch64 and AArch32: never used here, reported like the rest
    vector 0
    vector 1
    vector 2
    vector 3
    vector 0
    vector 1
    vector 2
    vector 3

    .text
exception_save:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x1, elr_el1
    stp     x30, x1, [sp, #240]
    mrs     x1, spsr_el1
    mrs     x2, esr_el1
    stp     x1, x2, [sp, #256]
    mrs     x1, far_el1
    stp     x1, x0, [sp, #272]
    mov     x0, sp
    bl      exception_entry
    ldp     x30, x1, [sp, #240]
    msr     elr_el1, x1
    ldr     x1, [sp, #256]
    msr     spsr_el1, x1
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    add     sp, sp, #FRAME_SIZE
    eret
