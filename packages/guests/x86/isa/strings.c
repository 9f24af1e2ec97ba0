/* MOVS/STOS/LODS/CMPS/SCAS with and without REP/REPE/REPNE, forwards and backwards (DF), in
 * byte, word and dword sizes; prints the registers after each and a checksum of the buffer. */
#include "rt.h"

static u8 buf[2048];

static u32 checksum(void) {
  u32 s = 0;
  for (int i = 0; i < 2048; i++) s = s * 33 + buf[i];
  return s;
}

static void fill(void) {
  for (int i = 0; i < 2048; i++) buf[i] = (u8)(val() & 3);
}

static void movs_stos(void) {
  for (int i = 0; i < 60; i++) {
    fill();
    u32 n = val() % 100, src = 200 + val() % 300, dst = 600 + val() % 300;
    u32 si = (u32)(buf + src), di = (u32)(buf + dst), c = n;
    switch (i % 6) {
    case 0: __asm__ volatile("cld\n\trep movsb" : "+S"(si), "+D"(di), "+c"(c) : : "memory"); break;
    case 1: __asm__ volatile("cld\n\trep movsl" : "+S"(si), "+D"(di), "+c"(c) : : "memory"); break;
    case 2: __asm__ volatile("std\n\trep movsw\n\tcld" : "+S"(si), "+D"(di), "+c"(c) : : "memory"); break;
    case 3: __asm__ volatile("cld\n\trep stosb" : "+D"(di), "+c"(c) : "a"(0x5a) : "memory"); break;
    case 4: __asm__ volatile("std\n\trep stosl\n\tcld" : "+D"(di), "+c"(c) : "a"(0xdeadbeef) : "memory"); break;
    default: __asm__ volatile("cld\n\tmovsw\n\tmovsb\n\tstosl" : "+S"(si), "+D"(di) : "a"(n) : "memory"); break;
    }
    line("movs", i, si - (u32)buf, di - (u32)buf, c, checksum());
  }
}

static void cmps_scas(void) {
  for (int i = 0; i < 80; i++) {
    fill();
    u32 n = val() % 64, a = val() % 400, b = 500 + val() % 400;
    u32 si = (u32)(buf + a), di = (u32)(buf + b), c = n, fl, ax = val() & 3;
    switch (i % 5) {
    case 0: __asm__ volatile("cld\n\trepe cmpsb\n\tpushf\n\tpop %3" : "+S"(si), "+D"(di), "+c"(c), "=r"(fl) : : "cc"); break;
    case 1: __asm__ volatile("cld\n\trepne cmpsb\n\tpushf\n\tpop %3" : "+S"(si), "+D"(di), "+c"(c), "=r"(fl) : : "cc"); break;
    case 2: __asm__ volatile("cld\n\trepne scasb\n\tpushf\n\tpop %2" : "+D"(di), "+c"(c), "=r"(fl) : "a"(ax) : "cc"); break;
    case 3: __asm__ volatile("std\n\trepe scasb\n\tpushf\n\tpop %2\n\tcld" : "+D"(di), "+c"(c), "=r"(fl) : "a"(ax) : "cc"); break;
    default: __asm__ volatile("cld\n\trepe cmpsw\n\tpushf\n\tpop %3" : "+S"(si), "+D"(di), "+c"(c), "=r"(fl) : : "cc"); break;
    }
    line("cmps", i, si - (u32)buf, di - (u32)buf, c, fl & (n ? STATUS : 0));
  }
}

static void lods(void) {
  fill();
  for (int i = 0; i < 40; i++) {
    u32 si = (u32)(buf + 100 + i * 7), ax = 0xffffffff;
    if (i & 1) __asm__ volatile("cld\n\tlodsb\n\tlodsw" : "+S"(si), "+a"(ax));
    else __asm__ volatile("std\n\tlodsl\n\tcld" : "+S"(si), "+a"(ax));
    line("lods", i, si - (u32)buf, 0, ax, 0);
  }
}

int main(void) {
  movs_stos();
  cmps_scas();
  lods();
  return 0;
}
