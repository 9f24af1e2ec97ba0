// Bare-metal EL1 program for the system-level differential test (QEMU virt board, RAM at
// 0x40000000): exception vectors, SVC and UNDEFINED round trips, ERET to EL0 and back, system
// registers, the MMU with an identity map, exclusives, a PL011 write, then PSCI SYSTEM_OFF by HVC.
  .globl _start
  .text
_start:
  adr x0, vectors
  msr vbar_el1, x0
  isb
  ldr x1, =stack_top
  mov sp, x1
  mov x2, #0x1234
  msr tpidr_el1, x2
  mrs x3, tpidr_el1
  mrs x4, currentel
  mrs x5, daif
  msr daifclr, #4
  mrs x6, daif
  msr daifset, #4
  // SVC round trip
  mov x7, #0
  svc #0x21
  add x7, x7, #1
  // UNDEFINED round trip (the handler skips the word)
  .word 0x00000000
  add x7, x7, #2
  // Build an identity map: L1 table with 1 GiB blocks (device for 0, normal for 1 GiB).
  adr x10, l1_table
  mov x11, #0x401              // block, AF, AttrIndx 0 (device)
  str x11, [x10]
  ldr x11, =0x40000705         // block at 1 GiB, AF, SH inner, AttrIndx 1 (normal)
  str x11, [x10, #8]
  msr ttbr0_el1, x10
  ldr x12, =0xff00             // MAIR: attr0 device nGnRnE, attr1 normal WB
  msr mair_el1, x12
  ldr x13, =0x80803519         // TCR: T0SZ 25, IRGN/ORGN WB, SH inner, EPD1, IPS 40-bit? (kept small)
  msr tcr_el1, x13
  isb
  mrs x14, sctlr_el1
  orr x14, x14, #1
  msr sctlr_el1, x14
  isb
  // Work with the MMU on.
  adr x15, data
  ldxr x16, [x15]
  add x16, x16, #5
  stxr w17, x16, [x15]
  ldp x18, x19, [x15]
  mov x20, #0
  mov x21, #20
1: add x20, x20, x21
  subs x21, x21, #1
  b.ne 1b
  // AT and PAR
  at s1e1r, x15
  mrs x22, par_el1
  // Drop to EL0 and come back with SVC.
  adr x23, el0_code
  msr elr_el1, x23
  mov x24, #0
  msr spsr_el1, x24
  ldr x25, =el0_stack_top
  msr sp_el0, x25
  eret
el0_code:
  mov x26, #77
  svc #1
back_at_el1:
  // PL011 data register
  mov x27, #0x09000000
  mov w28, #'A'
  str w28, [x27]
  // PSCI SYSTEM_OFF
  ldr x0, =0x84000008
  hvc #0
  b .

  .balign 0x800
vectors:
  // Current EL with SP0
  .balign 0x80
  b .
  .balign 0x200
  // Current EL with SPx: synchronous
  mrs x8, esr_el1
  mrs x9, elr_el1
  lsr x10, x8, #26
  cbnz x10, 2f
  add x9, x9, #4
  msr elr_el1, x9
2: eret
  .balign 0x400
  // Lower EL AArch64: synchronous (the SVC from EL0): continue at back_at_el1 in EL1h.
  mrs x8, esr_el1
  adr x9, back_at_el1
  msr elr_el1, x9
  mov x9, #0x3c5
  msr spsr_el1, x9
  eret

  .data
  .balign 16
data:
  .quad 0x1111, 0x2222
  .balign 4096
l1_table:
  .skip 4096
  .skip 4096
stack_top:
  .skip 1024
el0_stack_top:
