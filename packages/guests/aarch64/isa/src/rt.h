/* A freestanding runtime for the ISA test programs: _start, write/exit system calls, printing
 * helpers and a deterministic xorshift generator. No libc, so the programs exercise exactly the
 * instructions the compiler emits for this file plus the inline assembly in each test. */
#ifndef ISA_RT_H
#define ISA_RT_H
typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;

static long sys_call3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}

static void sys_exit(int code) {
  sys_call3(93, code, 0, 0);
  for (;;) {
  }
}

static char out_buf[4096];
static u32 out_len;

static void flush(void) {
  if (out_len) sys_call3(64, 1, (long)out_buf, out_len);
  out_len = 0;
}

static void put_char(char c) {
  if (out_len == sizeof out_buf) flush();
  out_buf[out_len++] = c;
}

static void put_str(const char *s) {
  while (*s) put_char(*s++);
}

static void put_hex(u64 v) {
  for (int i = 60; i >= 0; i -= 4) put_char("0123456789abcdef"[(v >> i) & 15]);
}

static void put_dec(i64 v) {
  char tmp[24];
  int n = 0;
  u64 u = v < 0 ? -(u64)v : (u64)v;
  if (v < 0) put_char('-');
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  while (n) put_char(tmp[--n]);
}

/* "name value\n" */
static void show(const char *name, u64 v) {
  put_str(name);
  put_char(' ');
  put_hex(v);
  put_char('\n');
}

static u64 rng_state = 0x9e3779b97f4a7c15ul;
static u64 next_random(void) {
  u64 x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return x;
}

/* Operands that hit the edge cases: zero, one, all ones, sign boundaries, random. */
static u64 interesting(int i) {
  static const u64 fixed[] = {0,
                              1,
                              2,
                              0x7f,
                              0x80,
                              0xff,
                              0x7fff,
                              0x8000,
                              0xffff,
                              0x7fffffff,
                              0x80000000,
                              0xffffffff,
                              0x100000000ul,
                              0x7fffffffffffffff,
                              0x8000000000000000,
                              0xffffffffffffffff,
                              0xfffffffffffffffe,
                              0x123456789abcdef0,
                              63,
                              64,
                              31,
                              32};
  if (i < (int)(sizeof fixed / sizeof fixed[0])) return fixed[i];
  u64 r = next_random();
  switch (i & 3) {
    case 0: return r;
    case 1: return r & 0xffffffff;
    case 2: return (u64)(i64)(i32)r;
    default: return r >> (r & 63);
  }
}
#define N_INTERESTING 64

int main(void);
__asm__(".globl _start\n_start:\n  bl main\n  mov x19, x0\n  bl flush_and_exit\n");
void flush_and_exit(int code) {
  flush();
  sys_exit(code);
}

/* Run "insn" with operands a, b (x registers) and collect the result and NZCV. */
#define OP2(insn, a, b, res, flags)                                             \
  __asm__ volatile("msr nzcv, %[z]\n" insn "\nmrs %[f], nzcv"                  \
                   : [r] "=&r"(res), [f] "=&r"(flags)                          \
                   : [a] "r"(a), [b] "r"(b), [z] "r"((u64)0)                   \
                   : "cc")
#endif
