/* x87: loads/stores of float, double and 16/32/64-bit integers, + - * / and sqrt, compares
 * (FCOMI/FUCOMI), FCHS/FABS, constants, FRNDINT and integer stores under all four rounding modes,
 * FXCH, FNSTSW. The precision control is set to double (0x27F) so results are exactly those of
 * IEEE double arithmetic, which is what the emulator's double-based registers compute. */
#include "rt.h"

static u32 lo(double d) {
  union { double d; u32 w[2]; } u = {d};
  return u.w[0];
}
static u32 hi(double d) {
  union { double d; u32 w[2]; } u = {d};
  return u.w[1];
}

static double rnd_double(void) {
  s32 a = (s32)val(), b = (s32)(val() | 1);
  switch (val() % 4) {
  case 0: return (double)a;
  case 1: return (double)a / (double)b;
  case 2: return (double)a * 1e-7;
  default: return (double)b / 3.0;
  }
}

static void set_cw(u16 cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }

static void arithmetic(void) {
  for (int i = 0; i < COUNT; i++) {
    volatile double a = rnd_double(), b = rnd_double();
    double s = a + b, d = a - b, m = a * b, q = a / b;
    line("add", hi(a), lo(a), hi(b), hi(s), lo(s));
    line("sub", hi(a), lo(b), 0, hi(d), lo(d));
    line("mul", hi(a), lo(b), 0, hi(m), lo(m));
    line("div", hi(a), lo(b), 0, hi(q), lo(q));
    double r = __builtin_sqrt(a < 0 ? -a : a);
    line("sqrt", hi(a), lo(a), 0, hi(r), lo(r));
    float f = (float)a;
    union { float f; u32 w; } uf = {f};
    line("float", hi(a), lo(a), 0, uf.w, (u32)(a < b) | (u32)(a == b) << 1 | (u32)(a >= b) << 2);
  }
}

static void conversions(void) {
  for (int i = 0; i < COUNT; i++) {
    s32 n = (s32)val();
    long long ll = ((long long)(s32)val() << 20) ^ val();
    short sh = (short)val();
    volatile double dn = n, dl = (double)ll, ds = sh;
    double x = rnd_double();
    s32 back = (s32)(x / 16.0);
    long long lback = (long long)(x * 1000.0);
    line("cvt", (u32)n, hi(dn), lo(dl), hi(ds), (u32)back);
    line("cvt64", (u32)lback, (u32)(lback >> 32), (u32)(short)(x / 1e6), 0, 0);
  }
}

static void rounding(void) {
  static const u16 modes[4] = {0x27f, 0x67f, 0xa7f, 0xe7f};
  for (int i = 0; i < 60; i++) {
    double x = rnd_double() / 1000.0;
    if (i % 4 == 0) x = (double)(s32)(val() % 20) + 0.5;
    for (int m = 0; m < 4; m++) {
      double r;
      s32 n;
      set_cw(modes[m]);
      __asm__ volatile("frndint" : "=t"(r) : "0"(x));
      __asm__ volatile("fistl %0" : "=m"(n) : "t"(x));
      line("round", hi(x), lo(x), m, hi(r), (u32)n);
    }
    set_cw(0x27f);
  }
}

static void misc(void) {
  for (int i = 0; i < 40; i++) {
    double a = rnd_double(), b = rnd_double(), pi, one, zero, l2e, ln2;
    u16 sw;
    __asm__ volatile("fldpi" : "=t"(pi));
    __asm__ volatile("fld1" : "=t"(one));
    __asm__ volatile("fldz" : "=t"(zero));
    __asm__ volatile("fldl2e" : "=t"(l2e));
    __asm__ volatile("fldln2" : "=t"(ln2));
    double neg = -a, abs = a < 0 ? -a : a;
    __asm__ volatile("fcom %%st(1)\n\tfnstsw %%ax" : "=a"(sw) : "t"(a), "u"(b));
    double x1, x2;
    __asm__ volatile("fxch %%st(1)" : "=t"(x1), "=u"(x2) : "0"(a), "1"(b));
    line("misc", hi(pi) ^ lo(pi) ^ hi(one) ^ hi(zero) ^ lo(l2e) ^ lo(ln2), hi(neg), hi(abs), sw & 0x4500, hi(x1) ^ lo(x2));
  }
}

int main(void) {
  set_cw(0x27f);
  arithmetic();
  conversions();
  rounding();
  misc();
  return 0;
}
