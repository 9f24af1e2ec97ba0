/* Loads and stores: every size and sign extension, all addressing modes, pairs, unaligned
 * accesses, exclusives (LL/SC loops from the atomic builtins and LDXP/STXP), acquire/release,
 * DC ZVA and PRFM. */
#include "rt.h"

static u64 hash = 1469598103934665603ul;
static void mix(u64 v) {
  hash = (hash ^ v) * 0x100000001b3ul;
}

static u8 buf[4096] __attribute__((aligned(64)));
static u64 words[64];

struct packed {
  u8 a;
  u64 b;
  u32 c;
  u16 d;
} __attribute__((packed));

static struct packed packs[16];

static __attribute__((noinline)) void fill(void) {
  for (int i = 0; i < 4096; i++) buf[i] = (u8)next_random();
  for (int i = 0; i < 64; i++) words[i] = next_random();
}

static __attribute__((noinline)) u64 signed_loads(void) {
  u64 h = 0;
  for (int i = 0; i < 256; i++) {
    h += (i64)(signed char)buf[i];
    h ^= (u64)(i64)((short *)buf)[i];
    h += (u64)(i64)((int *)buf)[i];
    h ^= ((u16 *)buf)[i];
    h += ((u32 *)buf)[i];
    h = h * 31 + ((u64 *)buf)[i];
  }
  return h;
}

static __attribute__((noinline)) u64 indexed(const u64 *p, const int *idx, int n) {
  u64 h = 0;
  for (int i = 0; i < n; i++) h = h * 7 + p[idx[i] & 63];
  return h;
}

static __attribute__((noinline)) void copy_pairs(u64 *dst, const u64 *src, int n) {
  for (int i = 0; i < n; i += 2) {
    u64 a = src[i], b = src[i + 1];
    dst[i] = b;
    dst[i + 1] = a;
  }
}

int main(void) {
  fill();
  show("signed", signed_loads());

  int idx[32];
  for (int i = 0; i < 32; i++) idx[i] = (int)next_random();
  show("indexed", indexed(words, idx, 32));

  u64 tmp[64];
  copy_pairs(tmp, words, 64);
  hash = 0;
  for (int i = 0; i < 64; i++) mix(tmp[i]);
  show("pairs", hash);

  /* Unaligned accesses through a packed struct. */
  for (int i = 0; i < 16; i++) {
    packs[i].a = (u8)i;
    packs[i].b = words[i];
    packs[i].c = (u32)words[i + 16];
    packs[i].d = (u16)words[i + 32];
  }
  hash = 0;
  for (int i = 0; i < 16; i++) mix(packs[i].b + packs[i].c + packs[i].d + packs[i].a);
  show("unaligned", hash);

  /* Stores of every size, read back as bytes. */
  for (int i = 0; i < 64; i++) {
    *(u8 *)(buf + i) = (u8)words[i];
    *(u16 *)(buf + 64 + 2 * i) = (u16)words[i];
    *(u32 *)(buf + 256 + 4 * i) = (u32)words[i];
    *(u64 *)(buf + 512 + 8 * i) = words[i] ^ 0x55;
  }
  hash = 0;
  for (int i = 0; i < 1024; i++) mix(buf[i]);
  show("stores", hash);

  /* Pre/post-index and pair forms, explicitly. */
  u64 a, b, c, d;
  u64 *p = words;
  __asm__ volatile(
      "ldr %0, [%4], #8\n"
      "ldr %1, [%4, #8]!\n"
      "ldp %2, %3, [%4, #16]!\n"
      : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d), "+r"(p)
      :
      : "memory");
  show("post", a);
  show("pre", b);
  show("ldp", c ^ d);
  show("ptr", (u64)(p - words));
  i64 s1, s2;
  __asm__ volatile("ldpsw %0, %1, [%2]" : "=r"(s1), "=r"(s2) : "r"(buf + 8) : "memory");
  show("ldpsw", (u64)s1 ^ ((u64)s2 << 1));
  u32 w1, w2;
  __asm__ volatile("ldp %w0, %w1, [%2, #-8]" : "=r"(w1), "=r"(w2) : "r"(buf + 64) : "memory");
  show("ldp-w", w1 + ((u64)w2 << 32));
  __asm__ volatile("stp %w1, %w2, [%0, #24]\nstnp %1, %2, [%0, #32]"
                   :
                   : "r"(buf), "r"(0x1111222233334444ul), "r"(0x5555666677778888ul)
                   : "memory");
  show("stp", ((u64 *)buf)[3] ^ ((u64 *)buf)[4] ^ ((u64 *)buf)[5]);
  u64 ur;
  __asm__ volatile("ldur %0, [%1, #-3]" : "=r"(ur) : "r"(buf + 100) : "memory");
  show("ldur", ur);
  i64 sb;
  __asm__ volatile("ldursb %0, [%1, #-1]" : "=r"(sb) : "r"(buf + 9) : "memory");
  show("ldursb", (u64)sb);
  __asm__ volatile("ldtr %0, [%1, #8]" : "=r"(ur) : "r"(buf) : "memory");
  show("ldtr", ur);
  __asm__ volatile("sttrh %w1, [%0, #2]\nldrsh %w1, [%0, #2]" : "+r"(p), "+r"(ur) : : "memory");

  /* Literal loads. */
  u64 lit;
  i64 lits;
  __asm__ volatile("ldr %0, 1f\nldrsw %1, 2f\nb 3f\n.align 3\n1: .quad 0xfedcba9876543210\n"
                   "2: .word 0x80000001\n3:"
                   : "=r"(lit), "=r"(lits));
  show("literal", lit);
  show("literal-sw", (u64)lits);

  /* Atomics: LL/SC loops. */
  static u64 counter;
  static u32 counter32;
  for (int i = 0; i < 100; i++) {
    __atomic_fetch_add(&counter, words[i & 63], __ATOMIC_SEQ_CST);
    __atomic_fetch_xor(&counter32, (u32)words[i & 63], __ATOMIC_ACQUIRE);
  }
  u64 expected = counter;
  int ok = __atomic_compare_exchange_n(&counter, &expected, 42, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
  show("atomic", counter ^ counter32);
  show("cas", (u64)ok);
  u64 lo, hi;
  u32 st = 9;
  __asm__ volatile(
      "1: ldxp %0, %1, [%3]\n"
      "add %0, %0, #1\n"
      "stxp %w2, %0, %1, [%3]\n"
      "cbnz %w2, 1b\n"
      : "=&r"(lo), "=&r"(hi), "=&r"(st)
      : "r"(words)
      : "memory");
  show("ldxp", words[0] ^ words[1] ^ st);
  __asm__ volatile("stxr %w0, %2, [%1]" : "=&r"(st) : "r"(words), "r"(lo) : "memory");
  show("stxr-fail", st);
  __asm__ volatile("ldaxr %0, [%2]\nclrex\nstlxr %w1, %0, [%2]" : "=&r"(lo), "=&r"(st) : "r"(words) : "memory");
  show("clrex", st);
  __asm__ volatile("stlr %1, [%2]\nldar %0, [%2]\nldarb %w0, [%2]" : "=&r"(lo) : "r"(0x1234ul), "r"(words) : "memory");
  show("ldar", lo);

  /* DC ZVA clears a 64-byte block; PRFM does nothing visible. */
  __asm__ volatile("dc zva, %0\nprfm pldl1keep, [%0]\nprfm pstl2strm, [%0, #64]" : : "r"(buf + 128) : "memory");
  hash = 0;
  for (int i = 96; i < 256; i++) mix(buf[i]);
  show("dczva", hash);

  /* TPIDR_EL0 and NZCV. */
  u64 tp;
  __asm__ volatile("msr tpidr_el0, %1\nmrs %0, tpidr_el0" : "=r"(tp) : "r"(0xabcdef0123ul));
  show("tpidr", tp);
  return 0;
}
