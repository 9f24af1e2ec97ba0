/* ADD/ADC/SUB/SBB/AND/OR/XOR/CMP/TEST/INC/DEC/NEG/NOT in 8, 16 and 32 bits, register and memory
 * operands, with every status flag the SDM defines. */
#include "rt.h"

#define BIN(name, insn, mask)                                                                      \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), b = val(), fin = val() & STATUS, fl, r = a;                                   \
      __asm__ volatile("push %3\n\tpopf\n\t" insn "\n\tpushf\n\tpop %1"                            \
                       : "+q"(r), "=&r"(fl)                                                        \
                       : "q"(b), "r"(fin)                                                          \
                       : "cc");                                                                    \
      line(#name, a, b, fin, r, fl & (mask));                                                      \
    }                                                                                              \
  }

#define MEM(name, insn, mask)                                                                      \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), b = val(), fin = val() & STATUS, fl;                                          \
      volatile u32 m = a;                                                                          \
      __asm__ volatile("push %3\n\tpopf\n\t" insn "\n\tpushf\n\tpop %1"                            \
                       : "+m"(m), "=&r"(fl)                                                        \
                       : "q"(b), "r"(fin)                                                          \
                       : "cc");                                                                    \
      line(#name, a, b, fin, m, fl & (mask));                                                      \
    }                                                                                              \
  }

#define ALL STATUS
#define LOGIC (STATUS & ~0x10u)

BIN(add32, "addl %2, %0", ALL)
BIN(add16, "addw %w2, %w0", ALL)
BIN(add8, "addb %b2, %b0", ALL)
BIN(adc32, "adcl %2, %0", ALL)
BIN(adc16, "adcw %w2, %w0", ALL)
BIN(adc8, "adcb %b2, %b0", ALL)
BIN(sub32, "subl %2, %0", ALL)
BIN(sub16, "subw %w2, %w0", ALL)
BIN(sub8, "subb %b2, %b0", ALL)
BIN(sbb32, "sbbl %2, %0", ALL)
BIN(sbb16, "sbbw %w2, %w0", ALL)
BIN(sbb8, "sbbb %b2, %b0", ALL)
BIN(cmp32, "cmpl %2, %0", ALL)
BIN(cmp8, "cmpb %b2, %b0", ALL)
BIN(and32, "andl %2, %0", LOGIC)
BIN(and8, "andb %b2, %b0", LOGIC)
BIN(or32, "orl %2, %0", LOGIC)
BIN(or16, "orw %w2, %w0", LOGIC)
BIN(xor32, "xorl %2, %0", LOGIC)
BIN(xor8h, "xorb %h2, %h0", LOGIC)
BIN(test32, "testl %2, %0", LOGIC)
BIN(test16, "testw %w2, %w0", LOGIC)
BIN(inc32, "incl %0", ALL)
BIN(inc16, "incw %w0", ALL)
BIN(inc8, "incb %b0", ALL)
BIN(dec32, "decl %0", ALL)
BIN(dec8, "decb %b0", ALL)
BIN(neg32, "negl %0", ALL)
BIN(neg16, "negw %w0", ALL)
BIN(neg8, "negb %b0", ALL)
BIN(not32, "notl %0", ALL)
BIN(not8, "notb %b0", ALL)
BIN(addimm, "addl $0x7ffffff0, %0", ALL)
BIN(subimm8, "subl $-3, %0", ALL)
BIN(andimm16, "andw $0x8f0f, %w0", LOGIC)
BIN(cmpimm8, "cmpb $0x80, %b0", ALL)
MEM(addmem, "addl %2, %0", ALL)
MEM(sbbmem16, "sbbw %w2, %0", ALL)
MEM(xormem8, "xorb %b2, %0", LOGIC)
MEM(incmem, "incl %0", ALL)
MEM(negmem, "negl %0", ALL)
MEM(notmem16, "notw %0", ALL)

int main(void) {
  add32(); add16(); add8(); adc32(); adc16(); adc8(); sub32(); sub16(); sub8();
  sbb32(); sbb16(); sbb8(); cmp32(); cmp8(); and32(); and8(); or32(); or16(); xor32(); xor8h();
  test32(); test16(); inc32(); inc16(); inc8(); dec32(); dec8(); neg32(); neg16(); neg8();
  not32(); not8(); addimm(); subimm8(); andimm16(); cmpimm8(); addmem(); sbbmem16(); xormem8();
  incmem(); negmem(); notmem16();
  return 0;
}
