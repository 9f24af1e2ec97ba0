// Integer CPU-bound loop for the emulator benchmarks: 10,000,000 iterations of 10 instructions.
// Each iteration: 8 ALU instructions + compare/branch. Exits with the checksum's low byte.
  .globl _start
_start:
  movz x20, #0x0098, lsl #16
  movk x20, #0x9680           // 10,000,000 iterations
  mov x0, #1
  mov x1, #3
  mov x2, #0
1:
  add x2, x2, x0
  eor x0, x0, x2, lsl #3
  mul x3, x0, x1
  add x1, x1, #7
  lsr x3, x3, #5
  orr x2, x2, x3
  ands x4, x2, #0xff
  csel x0, x0, x4, ne
  subs x20, x20, #1
  b.ne 1b
  and x0, x2, #0xff
  mov x8, #93
  svc #0
