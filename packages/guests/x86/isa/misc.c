/* CMPXCHG, XADD, CMPXCHG8B, XCHG, LEA with SIB forms, MOVZX/MOVSX, CBW/CWDE/CWD/CDQ, LAHF/SAHF,
 * ENTER/LEAVE, PUSHA/POPA, XLAT, PUSHF/POPF round trips, LOOP/JECXZ and calls. */
#include "rt.h"

static void cmpxchg(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 m = val(), a = (i & 1) ? m : val(), b = val(), fl;
    volatile u32 mem = m;
    __asm__ volatile("lock cmpxchgl %3, %1\n\tpushf\n\tpop %2" : "+a"(a), "+m"(mem), "=&r"(fl) : "r"(b) : "cc");
    line("cmpxchg", m, b, a, mem, fl & STATUS);
    u32 r = m, a8 = (i & 2) ? m : val();
    __asm__ volatile("cmpxchgb %b3, %b1\n\tpushf\n\tpop %2" : "+a"(a8), "+q"(r), "=&r"(fl) : "q"(b) : "cc");
    line("cmpxchg8", m, b, a8, r, fl & STATUS);
  }
}

static void xadd(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 a = val(), b = val(), fl;
    volatile u32 mem = a;
    u32 r = b;
    __asm__ volatile("lock xaddl %0, %1\n\tpushf\n\tpop %2" : "+r"(r), "+m"(mem), "=&r"(fl) : : "cc");
    line("xadd", a, b, r, mem, fl & STATUS);
  }
}

static void cx8(void) {
  for (int i = 0; i < 50; i++) {
    volatile u32 mem[2] = {val(), val()};
    u32 lo = (i & 1) ? mem[0] : val(), hi = (i & 1) ? mem[1] : val(), bl = val(), ch = val(), fl;
    __asm__ volatile("lock cmpxchg8b %2\n\tpushf\n\tpop %3" : "+a"(lo), "+d"(hi), "+m"(*mem), "=&r"(fl) : "b"(bl), "c"(ch) : "cc", "memory");
    line("cx8", lo, hi, mem[0], mem[1], fl & 0x40);
  }
}

static void lea_forms(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 a = val(), b = val(), r1, r2, r3, r4;
    __asm__("leal 0x12345678(%1,%2,4), %0" : "=r"(r1) : "r"(a), "r"(b));
    __asm__("leal -8(%1,%2,8), %0" : "=r"(r2) : "r"(a), "r"(b));
    __asm__("leal (,%1,2), %0" : "=r"(r3) : "r"(a));
    __asm__("leaw 0x7fff(%1,%2), %w0" : "=r"(r4) : "r"(a), "r"(b), "0"(0xabcdef01));
    line("lea", a, r1, r2, r3, r4);
  }
}

static void extend(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 a = val(), z8, s8, z16, s16, cbw = a, cwde = a, cwd_a = a, cwd_d = 0x11111111, cdq_d;
    __asm__("movzbl %b1, %0" : "=r"(z8) : "q"(a));
    __asm__("movsbl %b1, %0" : "=r"(s8) : "q"(a));
    __asm__("movzwl %w1, %0" : "=r"(z16) : "r"(a));
    __asm__("movswl %w1, %0" : "=r"(s16) : "r"(a));
    __asm__("cbtw" : "+a"(cbw));
    __asm__("cwtl" : "+a"(cwde));
    __asm__("cwtd" : "+a"(cwd_a), "+d"(cwd_d));
    __asm__("cltd" : "=d"(cdq_d) : "a"(a));
    line("ext", a, z8, s8, z16, s16);
    line("cbw", cbw, cwde, cwd_a, cwd_d, cdq_d);
  }
}

static void lahf_sahf(void) {
  for (int i = 0; i < COUNT; i++) {
    u32 fin = val() & 0xcd5, ah = val(), fl, out;
    __asm__ volatile("push %2\n\tpopf\n\tlahf\n\tmovl %%eax, %1\n\tmovl %3, %%eax\n\tsahf\n\tpushf\n\tpop %0"
                     : "=&r"(fl), "=&r"(out) : "r"(fin), "r"(ah << 8) : "eax", "cc");
    line("lahf", fin, ah & 0xff00, out & 0xff00, fl & 0xcd5, 0);
  }
}

static u32 depth(u32 n) {
  u32 r;
  __asm__ volatile("enter $16, $0\n\tmovl %1, -4(%%ebp)\n\tmovl -4(%%ebp), %0\n\tleave" : "=r"(r) : "r"(n) : "memory");
  return r + (n ? depth(n - 1) : 0);
}

static void enter_leave(void) {
  u32 esp0, esp1, r;
  __asm__ volatile("movl %%esp, %0" : "=r"(esp0));
  r = depth(20);
  __asm__ volatile("movl %%esp, %0" : "=r"(esp1));
  u32 nested;
  __asm__ volatile("push %%ebp\n\tmovl %%esp, %%ebp\n\tenter $8, $3\n\tmovl %%ebp, %0\n\tsubl %%esp, %0\n\tleave\n\tpop %%ebp" : "=r"(nested) : : "memory");
  line("enter", r, esp0 - esp1, nested, 0, 0);
}

static void pusha_popa(void) {
  u32 out[8];
  __asm__ volatile("pusha\n\tmovl $1, %%eax\n\tmovl $2, %%ecx\n\tmovl $3, %%edx\n\tpopa\n\t"
                   "movl %%eax, 0(%0)\n\tmovl %%ecx, 4(%0)\n\tmovl %%edx, 8(%0)\n\tmovl %%esi, 12(%0)"
                   : : "D"(out), "a"(0x11), "c"(0x22), "d"(0x33), "S"(0x44) : "memory");
  line("pusha", out[0], out[1], out[2], out[3], 0);
  u32 slot;
  __asm__ volatile("pusha\n\tmovl 12(%%esp), %0\n\taddl $32, %%esp" : "=r"(slot) : : "memory");
  u32 esp;
  __asm__ volatile("movl %%esp, %0" : "=r"(esp));
  line("pushasp", esp - slot, 0, 0, 0, 0);
}

static void xlat(void) {
  static u8 tbl[256];
  for (int i = 0; i < 256; i++) tbl[i] = (u8)(i * 7 + 3);
  for (int i = 0; i < 50; i++) {
    u32 a = val();
    u32 r = a;
    __asm__("xlat" : "+a"(r) : "b"(tbl));
    line("xlat", a, r, 0, 0, 0);
  }
}

static void popf_bits(void) {
  for (int i = 0; i < 50; i++) {
    u32 in = val() & 0x00204cd5, out;
    __asm__ volatile("pushf\n\tpush %1\n\tpopf\n\tpushf\n\tpop %0\n\tpopf" : "=r"(out) : "r"(in) : "cc");
    line("popf", in, out & 0x00204cd5, 0, 0, 0);
  }
}

static void loops(void) {
  for (int i = 0; i < 40; i++) {
    u32 n = val() % 50, c = n, steps = 0, z = 0;
    __asm__ volatile("jecxz 2f\n1:\tincl %1\n\tloop 1b\n2:" : "+c"(c), "+r"(steps) : : "cc");
    u32 c2 = n + 1, s2 = 0;
    __asm__ volatile("1:\tincl %1\n\tcmpl $5, %1\n\tloopne 1b" : "+c"(c2), "+r"(s2) : : "cc");
    line("loop", n, steps, c, c2, s2 + z);
  }
}

static u32 (*const fns[3])(u32);
static u32 f0(u32 x) { return x * 3; }
static u32 f1(u32 x) { return x ^ 0x5555; }
static u32 f2(u32 x) { return x >> 3; }
static u32 (*const fns[3])(u32) = {f0, f1, f2};

static u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void calls(void) {
  u32 acc = 1;
  for (int i = 0; i < 100; i++) acc = fns[acc % 3](acc + i);
  line("calls", acc, fib(18), 0, 0, 0);
}

int main(void) {
  cmpxchg(); xadd(); cx8(); lea_forms(); extend(); lahf_sahf(); enter_leave(); pusha_popa();
  xlat(); popf_bits(); loops(); calls();
  return 0;
}
