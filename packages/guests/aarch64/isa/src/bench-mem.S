// Memory-heavy loop for the emulator benchmarks: walks a 64 KiB buffer with loads, stores and
// pairs, 10,000,000 iterations of 10 instructions.
  .globl _start
_start:
  movz x20, #0x0098, lsl #16
  movk x20, #0x9680
  adrp x10, buffer
  add x10, x10, :lo12:buffer
  mov x11, #0
  mov x2, #1
1:
  and x12, x11, #0xfff0
  add x13, x10, x12
  ldr x3, [x13]
  add x3, x3, x2
  str x3, [x13, #8]
  ldp x4, x5, [x13]
  add x2, x4, x5
  add x11, x11, #16
  subs x20, x20, #1
  b.ne 1b
  and x0, x2, #0xff
  mov x8, #93
  svc #0
  .bss
  .balign 16
buffer:
  .skip 65552
