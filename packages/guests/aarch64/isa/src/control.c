/* Branches and control flow: conditional branches over every condition, CBZ/CBNZ, TBZ/TBNZ,
 * indirect calls, jump tables, recursion, ADR/ADRP. */
#include "rt.h"

static u64 hash = 1469598103934665603ul;
static void mix(u64 v) {
  hash = (hash ^ v) * 0x100000001b3ul;
}

#define COND(c)                                                                        \
  static u64 cond_##c(u64 a, u64 b) {                                                  \
    u64 r;                                                                             \
    __asm__ volatile("mov %[r], #0\ncmp %[a], %[b]\nb." #c " 1f\nmov %[r], #1\n1:"    \
                     : [r] "=&r"(r)                                                    \
                     : [a] "r"(a), [b] "r"(b)                                          \
                     : "cc");                                                          \
    return r;                                                                          \
  }
COND(eq) COND(ne) COND(cs) COND(cc) COND(mi) COND(pl) COND(vs) COND(vc)
COND(hi) COND(ls) COND(ge) COND(lt) COND(gt) COND(le) COND(al)

static u64 (*const conds[])(u64, u64) = {cond_eq, cond_ne, cond_cs, cond_cc, cond_mi,
                                         cond_pl, cond_vs, cond_vc, cond_hi, cond_ls,
                                         cond_ge, cond_lt, cond_gt, cond_le, cond_al};

static __attribute__((noinline)) u64 fib(u64 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static __attribute__((noinline)) int classify(int v) {
  switch (v & 15) {
    case 0: return 11;
    case 1: return 23;
    case 2: return 5;
    case 3: return 99;
    case 4: return -4;
    case 5: return 17;
    case 6: return 8;
    case 7: return 1000;
    case 9: return 3;
    case 11: return 71;
    default: return v;
  }
}

static u64 tbits(u64 v) {
  u64 r = 0;
  if (v & (1ul << 0)) r |= 1;
  if (v & (1ul << 31)) r |= 2;
  if (v & (1ul << 32)) r |= 4;
  if (!(v & (1ul << 63))) r |= 8;
  if (v == 0) r |= 16;
  if ((u32)v != 0) r |= 32;
  return r;
}

int main(void) {
  for (int c = 0; c < 15; c++) {
    hash = 1469598103934665603ul;
    for (int i = 0; i < N_INTERESTING; i++)
      for (int j = 0; j < N_INTERESTING; j++) mix(conds[c](interesting(i), interesting(j)));
    put_str("cond ");
    put_dec(c);
    put_char(' ');
    put_hex(hash);
    put_char('\n');
  }
  show("fib", fib(24));
  hash = 0;
  for (int i = 0; i < 1000; i++) mix((u64)classify((int)next_random()));
  show("switch", hash);
  hash = 0;
  for (int i = 0; i < N_INTERESTING; i++) mix(tbits(interesting(i)));
  show("tbz", hash);
  u64 adr, adrp;
  __asm__("adr %0, main\nadrp %1, main" : "=r"(adr), "=r"(adrp));
  show("adr", adr);
  show("adrp", adrp);
  return 0;
}
