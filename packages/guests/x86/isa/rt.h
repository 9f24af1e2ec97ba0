/* Tiny freestanding runtime for the ISA test programs: no libc, Linux int 0x80 write/exit only,
 * so the emulator's user-mode harness needs just those two system calls. */
#ifndef ISA_RT_H
#define ISA_RT_H

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef int s32;

static inline void sys_write(const char *buf, u32 len) {
  u32 ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(4), "b"(1), "c"(buf), "d"(len) : "memory");
}

static inline __attribute__((noreturn)) void sys_exit(u32 code) {
  __asm__ volatile("int $0x80" : : "a"(1), "b"(code));
  __builtin_unreachable();
}

static char out_buf[4096];
static u32 out_len;

static void flush(void) {
  sys_write(out_buf, out_len);
  out_len = 0;
}

static void put_char(char c) {
  if (out_len == sizeof out_buf) flush();
  out_buf[out_len++] = c;
}

static void put_str(const char *s) {
  while (*s) put_char(*s++);
}

static void put_hex(u32 v) {
  put_char(' ');
  for (int i = 28; i >= 0; i -= 4) put_char("0123456789abcdef"[(v >> i) & 15]);
}

static u32 rng_state = 12345;

/* Interesting operands: edge values a quarter of the time, else an LCG. */
static u32 val(void) {
  static const u32 edges[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                              0x80000000, 0xffffffff, 0x10, 0x0f, 31, 32, 33, 8, 16, 9};
  rng_state = rng_state * 1103515245u + 12345u;
  u32 r = rng_state;
  rng_state = rng_state * 1103515245u + 12345u;
  r ^= rng_state >> 16;
  if ((r & 3) == 0) return edges[(r >> 8) % (sizeof edges / sizeof edges[0])];
  return r;
}

static void line(const char *name, u32 a, u32 b, u32 c, u32 d, u32 e) {
  put_str(name);
  put_hex(a);
  put_hex(b);
  put_hex(c);
  put_hex(d);
  put_hex(e);
  put_char('\n');
}

int main(void);

__asm__(".globl _start\n_start:\n\tcall main\n\tpush %eax\n\tcall finish\n");

__attribute__((used, noreturn)) static void finish(u32 code) {
  flush();
  sys_exit(code);
}

/* Flags every test may set before an instruction: the six status flags. */
#define STATUS 0x8d5u
#define COUNT 200

#endif
