/* DAA/DAS/AAA/AAS/AAM/AAD over every AL (and AH) with CF/AF in, printing the defined flags. */
#include "rt.h"

#define ADJ(name, insn, mask)                                                                      \
  static void name(void) {                                                                         \
    for (u32 v = 0; v < 1024; v++) {                                                               \
      u32 ax = (v & 0xff) | ((val() & 0xff) << 8), fin = ((v >> 8) & 1) | (((v >> 9) & 1) << 4);   \
      u32 r = ax, fl;                                                                              \
      __asm__ volatile("push %2\n\tpopf\n\t" insn "\n\tpushf\n\tpop %1" : "+a"(r), "=&r"(fl) : "r"(fin) : "cc"); \
      line(#name, ax, fin, 0, r & 0xffff, fl & (mask));                                            \
    }                                                                                              \
  }

ADJ(daa, "daa", 0xd5)
ADJ(das, "das", 0xd5)
ADJ(aaa, "aaa", 0x11)
ADJ(aas, "aas", 0x11)
ADJ(aam, "aam", 0xc4)
ADJ(aam7, "aam $7", 0xc4)
ADJ(aad, "aad", 0xc4)
ADJ(aad3, "aad $3", 0xc4)

int main(void) {
  daa(); das(); aaa(); aas(); aam(); aam7(); aad(); aad3();
  return 0;
}
