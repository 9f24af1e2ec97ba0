/* BT/BTS/BTR/BTC (register, immediate, memory with a register bit offset), BSF/BSR, BSWAP,
 * SETcc and CMOVcc for all 16 conditions. */
#include "rt.h"

#define BT(name, insn)                                                                             \
  static void name(void) {                                                                         \
    for (int i = 0; i < COUNT; i++) {                                                              \
      u32 a = val(), b = val(), fl, r = a;                                                         \
      __asm__ volatile(insn "\n\tpushf\n\tpop %1" : "+r"(r), "=&r"(fl) : "r"(b) : "cc");          \
      line(#name, a, b, 0, r, fl & 1);                                                             \
    }                                                                                              \
  }

BT(bt32, "btl %2, %0")
BT(bts32, "btsl %2, %0")
BT(btr32, "btrl %2, %0")
BT(btc32, "btcl %2, %0")
BT(bts16, "btsw %w2, %w0")
BT(btimm, "btcl $13, %0")
BT(btimm16, "btsw $21, %w0")

static u32 table[16];

static void btmem(void) {
  for (int i = 0; i < COUNT; i++) {
    for (int j = 0; j < 16; j++) table[j] = val();
    s32 bit = (s32)(val() % 256) - 64;
    u32 fl;
    __asm__ volatile("btcl %1, %2\n\tpushf\n\tpop %0" : "=&r"(fl) : "r"(bit), "m"(table[4]) : "cc", "memory");
    u32 sum = 0;
    for (int j = 0; j < 16; j++) sum = sum * 31 + table[j];
    line("btmem", (u32)bit, sum, 0, table[(bit + 128) / 32], fl & 1);
  }
}

static void bsf_bsr(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 a = val();
    if (i % 8 == 0) a = 0;
    u32 f1, f2, r1 = 0x1234, r2 = 0x5678;
    __asm__ volatile("bsfl %2, %0\n\tpushf\n\tpop %1" : "+r"(r1), "=&r"(f1) : "r"(a) : "cc");
    __asm__ volatile("bsrl %2, %0\n\tpushf\n\tpop %1" : "+r"(r2), "=&r"(f2) : "r"(a) : "cc");
    line("bsfbsr", a, r1, f1 & 0x40, r2, f2 & 0x40);
  }
}

static void bswap(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 a = val(), r = a;
    __asm__ volatile("bswap %0" : "+r"(r));
    line("bswap", a, 0, 0, r, 0);
  }
}

#define COND(cc)                                                                                   \
  static u32 set_##cc(u32 fl) {                                                                    \
    u32 r = 0;                                                                                     \
    __asm__ volatile("push %1\n\tpopf\n\tset" #cc " %b0" : "+q"(r) : "r"(fl) : "cc");             \
    return r;                                                                                      \
  }                                                                                                \
  static u32 cmov_##cc(u32 fl, u32 a, u32 b) {                                                     \
    __asm__ volatile("push %2\n\tpopf\n\tcmov" #cc " %1, %0" : "+r"(a) : "r"(b), "r"(fl) : "cc"); \
    return a;                                                                                      \
  }

COND(o) COND(no) COND(b) COND(ae) COND(e) COND(ne) COND(be) COND(a)
COND(s) COND(ns) COND(p) COND(np) COND(l) COND(ge) COND(le) COND(g)

static void conditions(void) {
  for (u32 fl = 0; fl < 64; fl++) {
    u32 f = ((fl & 1) ? 0x001 : 0) | ((fl & 2) ? 0x004 : 0) | ((fl & 4) ? 0x040 : 0) |
            ((fl & 8) ? 0x080 : 0) | ((fl & 16) ? 0x800 : 0) | ((fl & 32) ? 0x010 : 0);
    u32 s = set_o(f) | set_no(f) << 1 | set_b(f) << 2 | set_ae(f) << 3 | set_e(f) << 4 |
            set_ne(f) << 5 | set_be(f) << 6 | set_a(f) << 7 | set_s(f) << 8 | set_ns(f) << 9 |
            set_p(f) << 10 | set_np(f) << 11 | set_l(f) << 12 | set_ge(f) << 13 | set_le(f) << 14 |
            set_g(f) << 15;
    u32 c = cmov_o(f, 1, 2) + cmov_b(f, 4, 8) + cmov_e(f, 16, 32) + cmov_be(f, 64, 128) +
            cmov_s(f, 256, 512) + cmov_p(f, 1024, 2048) + cmov_l(f, 4096, 8192) +
            cmov_le(f, 16384, 32768) + cmov_g(f, 1 << 16, 1 << 17) + cmov_np(f, 1 << 18, 1 << 19);
    line("cond", f, s, c, cmov_ne(f, 5, 6), cmov_a(f, 7, 9) + cmov_ge(f, 100, 200));
  }
}

int main(void) {
  bt32(); bts32(); btr32(); btc32(); bts16(); btimm(); btimm16(); btmem(); bsf_bsr(); bswap();
  conditions();
  return 0;
}
