/* MUL/IMUL (one, two and three operands) and DIV/IDIV in 8/16/32 bits. Flags: CF and OF after
 * multiplies (the rest are undefined); none after divides. Divisors are chosen to avoid #DE. */
#include "rt.h"

#define MUL1(name, insn)                                                                           \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), b = val(), d = val(), fl;                                                     \
      u32 ra = a, rd = d;                                                                          \
      __asm__ volatile(insn "\n\tpushf\n\tpop %2" : "+a"(ra), "+d"(rd), "=&r"(fl) : "b"(b) : "cc"); \
      line(#name, a, b, ra, rd, fl & 0x801);                                                       \
    }                                                                                              \
  }

MUL1(mul32, "mull %3")
MUL1(mul16, "mulw %w3")
MUL1(mul8, "mulb %b3")
MUL1(imul32, "imull %3")
MUL1(imul16, "imulw %w3")
MUL1(imul8, "imulb %b3")

#define MUL2(name, insn)                                                                           \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), b = val(), fl, r = a;                                                         \
      __asm__ volatile(insn "\n\tpushf\n\tpop %1" : "+r"(r), "=&r"(fl) : "r"(b) : "cc");          \
      line(#name, a, b, 0, r, fl & 0x801);                                                         \
    }                                                                                              \
  }

MUL2(imul2_32, "imull %2, %0")
MUL2(imul2_16, "imulw %w2, %w0")
MUL2(imul3_32, "imull $-1234567, %2, %0")
MUL2(imul3_16, "imulw $0x7f01, %w2, %w0")
MUL2(imul3_8, "imull $-100, %2, %0")

static void div32(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 d = val() | 1, hi = val(), lo = val();
    if (hi >= d) hi %= d;
    u32 q = lo, r = hi;
    __asm__ volatile("divl %2" : "+a"(q), "+d"(r) : "r"(d) : "cc");
    line("div32", hi, lo, d, q, r);
  }
}

static void idiv32(void) {
  for (int i = 0; i < COUNT; i++) {
    s32 d = (s32)val();
    s32 n = (s32)val();
    if (d == 0 || (d == -1 && n == (s32)0x80000000)) d = 7;
    u32 q = (u32)n, r;
    __asm__ volatile("cltd\n\tidivl %2" : "+a"(q), "=&d"(r) : "r"(d) : "cc");
    line("idiv32", (u32)n, (u32)d, 0, q, r);
  }
}

static void idiv64(void) {
  for (int i = 0; i < COUNT; i++) {
    s32 d = (s32)((val() & 0x7fffffff) | 0x10000);
    if (val() & 1) d = -d;
    u32 lo = val();
    s32 hi = (s32)(val() % 0x8000) - 0x4000;
    u32 q = lo, r = (u32)hi;
    __asm__ volatile("idivl %2" : "+a"(q), "+d"(r) : "r"(d) : "cc");
    line("idiv64", (u32)hi, lo, (u32)d, q, r);
  }
}

static void div16(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 d = (val() & 0xffff) | 1, hi = val() & 0xffff, lo = val() & 0xffff;
    if (hi >= d) hi %= d;
    u32 q = lo | 0xabcd0000, r = hi | 0x12340000;
    __asm__ volatile("divw %w2" : "+a"(q), "+d"(r) : "r"(d) : "cc");
    line("div16", hi, lo, d, q, r);
  }
}

static void idiv16(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 d = (val() & 0xffff) | 0x100;
    u32 ax = val() & 0xffff;
    u32 q = ax, r;
    __asm__ volatile("cwtd\n\tidivw %w2" : "+a"(q), "=&d"(r) : "r"(d) : "cc");
    line("idiv16", ax, d, 0, q & 0xffff, r & 0xffff);
  }
}

static void div8(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 d = (val() & 0xff) | 1, ax = val() & 0xffff;
    if ((ax >> 8) >= d) ax = (ax & 0xff) | (((ax >> 8) % d) << 8);
    u32 q = ax | 0x55550000;
    __asm__ volatile("divb %b1" : "+a"(q) : "q"(d) : "cc");
    line("div8", ax, d, 0, q, 0);
  }
}

static void idiv8(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 d = (val() & 0x7f) | 0x10, al = val() & 0xff;
    if (val() & 1) d = (u32)-(s32)d & 0xff;
    u32 q = al;
    __asm__ volatile("cbtw\n\tidivb %b1" : "+a"(q) : "q"(d) : "cc");
    line("idiv8", al, d, 0, q & 0xffff, 0);
  }
}

int main(void) {
  mul32(); mul16(); mul8(); imul32(); imul16(); imul8(); imul2_32(); imul2_16(); imul3_32();
  imul3_16(); imul3_8(); div32(); idiv32(); idiv64(); div16(); idiv16(); div8(); idiv8();
  return 0;
}
