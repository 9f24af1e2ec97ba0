/* SHL/SHR/SAR/ROL/ROR/RCL/RCR by 1, by CL and by an immediate, SHLD/SHRD, in 8/16/32 bits.
 * Printed flags are those the SDM defines: CF for non-zero counts, OF only for count 1,
 * SF/ZF/PF for shifts (not rotates); AF is undefined. */
#include "rt.h"

static u32 flag_mask(u32 count, int rotate, int width) {
  u32 c = count & 31;
  if (c == 0) return STATUS;
  u32 m = rotate ? 0x1u : 0xc5u;
  if (c == 1) m |= 0x800;
  if (!rotate && c >= (u32)width) m &= ~1u; /* CF undefined when count >= width */
  return m;
}

#define SH(name, insn, rotate, width)                                                              \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), c = val() & 31, fin = val() & STATUS, fl, r = a;                              \
      if (i % 4 == 0) c = 1;                                                                       \
      __asm__ volatile("push %3\n\tpopf\n\t" insn "\n\tpushf\n\tpop %1"                            \
                       : "+q"(r), "=&r"(fl)                                                        \
                       : "c"(c), "r"(fin)                                                          \
                       : "cc");                                                                    \
      line(#name, a, c, fin, r, fl & flag_mask(c, rotate, width));                                 \
    }                                                                                              \
  }

#define SHI(name, insn, count, rotate, width)                                                     \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), fin = val() & STATUS, fl, r = a;                                              \
      __asm__ volatile("push %2\n\tpopf\n\t" insn "\n\tpushf\n\tpop %1"                            \
                       : "+q"(r), "=&r"(fl)                                                        \
                       : "r"(fin)                                                                  \
                       : "cc");                                                                    \
      line(#name, a, count, fin, r, fl & flag_mask(count, rotate, width));                         \
    }                                                                                              \
  }

#define SHD(name, insn, width)                                                                     \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), b = val(), c = val() % (width + 1), fin = val() & STATUS, fl, r = a;          \
      __asm__ volatile("push %4\n\tpopf\n\t" insn "\n\tpushf\n\tpop %1"                            \
                       : "+r"(r), "=&r"(fl)                                                        \
                       : "r"(b), "c"(c), "r"(fin)                                                  \
                       : "cc");                                                                    \
      line(#name, a, b, c, r, fl & flag_mask(c, 0, width + 1));                                    \
    }                                                                                              \
  }

SH(shl32, "shll %%cl, %0", 0, 32)
SH(shl16, "shlw %%cl, %w0", 0, 16)
SH(shl8, "shlb %%cl, %b0", 0, 8)
SH(shr32, "shrl %%cl, %0", 0, 32)
SH(shr16, "shrw %%cl, %w0", 0, 16)
SH(shr8, "shrb %%cl, %b0", 0, 8)
SH(sar32, "sarl %%cl, %0", 0, 32)
SH(sar16, "sarw %%cl, %w0", 0, 16)
SH(sar8, "sarb %%cl, %b0", 0, 8)
SH(rol32, "roll %%cl, %0", 1, 32)
SH(rol16, "rolw %%cl, %w0", 1, 16)
SH(rol8, "rolb %%cl, %b0", 1, 8)
SH(ror32, "rorl %%cl, %0", 1, 32)
SH(ror16, "rorw %%cl, %w0", 1, 16)
SH(ror8, "rorb %%cl, %b0", 1, 8)
SH(rcl32, "rcll %%cl, %0", 1, 32)
SH(rcl16, "rclw %%cl, %w0", 1, 16)
SH(rcl8, "rclb %%cl, %b0", 1, 8)
SH(rcr32, "rcrl %%cl, %0", 1, 32)
SH(rcr16, "rcrw %%cl, %w0", 1, 16)
SH(rcr8, "rcrb %%cl, %b0", 1, 8)
SHI(shl1, "shll $1, %0", 1, 0, 32)
SHI(sar1b, "sarb $1, %b0", 1, 0, 8)
SHI(rcr1, "rcrl $1, %0", 1, 1, 32)
SHI(shlimm, "shll $7, %0", 7, 0, 32)
SHI(rolimm16, "rolw $9, %w0", 9, 1, 16)
SHD(shld32, "shldl %%cl, %2, %0", 31)
SHD(shrd32, "shrdl %%cl, %2, %0", 31)
SHD(shld16, "shldw %%cl, %w2, %w0", 15)
SHD(shrd16, "shrdw %%cl, %w2, %w0", 15)

int main(void) {
  shl32(); shl16(); shl8(); shr32(); shr16(); shr8(); sar32(); sar16(); sar8(); rol32(); rol16();
  rol8(); ror32(); ror16(); ror8(); rcl32(); rcl16(); rcl8(); rcr32(); rcr16(); rcr8(); shl1();
  sar1b(); rcr1(); shlimm(); rolimm16(); shld32(); shrd32(); shld16(); shrd16();
  return 0;
}
