/* Integer data processing: every instruction form runs over pairs of edge-case and random
 * operands; a hash of results and NZCV is printed per form. */
#include "rt.h"

static u64 hash;
static void mix(u64 v) {
  hash ^= v;
  hash *= 0x100000001b3ul;
  hash ^= hash >> 29;
}

#define FORM(name, insn)                                        \
  do {                                                          \
    hash = 0xcbf29ce484222325ul;                                \
    for (int i = 0; i < N_INTERESTING; i++)                     \
      for (int j = 0; j < N_INTERESTING; j += 3) {              \
        u64 a = ops[i], b = ops[j], r, f;                       \
        OP2(insn, a, b, r, f);                                  \
        mix(r);                                                 \
        mix(f);                                                 \
      }                                                         \
    show(name, hash);                                           \
  } while (0)

/* Same, with the carry flag set on entry. */
#define FORMC(name, insn)                                                            \
  do {                                                                               \
    hash = 0xcbf29ce484222325ul;                                                     \
    for (int i = 0; i < N_INTERESTING; i++)                                          \
      for (int j = 0; j < N_INTERESTING; j += 3) {                                   \
        u64 a = ops[i], b = ops[j], r, f;                                            \
        __asm__ volatile("msr nzcv, %[z]\n" insn "\nmrs %[f], nzcv"                   \
                         : [r] "=&r"(r), [f] "=&r"(f)                                \
                         : [a] "r"(a), [b] "r"(b), [z] "r"((u64)0x20000000)          \
                         : "cc");                                                    \
        mix(r);                                                                      \
        mix(f);                                                                      \
      }                                                                              \
    show(name, hash);                                                                \
  } while (0)

static u64 ops[N_INTERESTING];

int main(void) {
  for (int i = 0; i < N_INTERESTING; i++) ops[i] = interesting(i);
  show("sample-op", ops[40]);

  FORM("adds", "adds %[r], %[a], %[b]");
  FORM("adds-w", "adds %w[r], %w[a], %w[b]");
  FORM("subs", "subs %[r], %[a], %[b]");
  FORM("subs-w", "subs %w[r], %w[a], %w[b]");
  FORM("add-lsl", "add %[r], %[a], %[b], lsl #17");
  FORM("sub-asr", "sub %[r], %[a], %[b], asr #33");
  FORM("adds-lsr-w", "adds %w[r], %w[a], %w[b], lsr #7");
  FORM("subs-asr-w", "subs %w[r], %w[a], %w[b], asr #31");
  FORM("add-sxtw", "add %[r], %[a], %w[b], sxtw #2");
  FORM("add-uxtb", "add %[r], %[a], %w[b], uxtb #1");
  FORM("sub-sxth", "sub %[r], %[a], %w[b], sxth #4");
  FORM("subs-uxtx", "subs %[r], %[a], %[b], uxtx #3");
  FORM("adds-sxtb-w", "adds %w[r], %w[a], %w[b], sxtb");
  FORM("adds-imm", "adds %[r], %[a], #4095");
  FORM("subs-imm12-w", "subs %w[r], %w[a], #1, lsl #12");
  FORM("cmn", "cmn %[a], %[b]\nmov %[r], #0");
  FORMC("adcs", "adcs %[r], %[a], %[b]");
  FORMC("adcs-w", "adcs %w[r], %w[a], %w[b]");
  FORMC("sbcs", "sbcs %[r], %[a], %[b]");
  FORMC("sbcs-w", "sbcs %w[r], %w[a], %w[b]");
  FORM("adc0", "adc %[r], %[a], %[b]");
  FORM("ngc", "ngc %[r], %[a]");
  FORM("and", "and %[r], %[a], %[b]");
  FORM("ands-w", "ands %w[r], %w[a], %w[b]");
  FORM("bics", "bics %[r], %[a], %[b], lsl #3");
  FORM("orr-ror", "orr %[r], %[a], %[b], ror #5");
  FORM("orn", "orn %[r], %[a], %[b]");
  FORM("eor-w-ror", "eor %w[r], %w[a], %w[b], ror #13");
  FORM("eon", "eon %[r], %[a], %[b], lsr #60");
  FORM("and-imm", "and %[r], %[a], #0x00ff00ff00ff00ff");
  FORM("orr-imm-w", "orr %w[r], %w[a], #0x3c");
  FORM("eor-imm", "eor %[r], %[a], #0xaaaaaaaaaaaaaaaa");
  FORM("ands-imm", "ands %[r], %[a], #0x8000000000000001");
  FORM("ands-imm-w", "ands %w[r], %w[a], #0xfffffff0");
  FORM("and-imm-rep", "and %[r], %[a], #0x0f0f0f0f0f0f0f0f");
  FORM("orr-imm-x", "orr %[r], %[a], #0xfffffffffff00000");
  FORM("lslv", "lsl %[r], %[a], %[b]");
  FORM("lsrv-w", "lsr %w[r], %w[a], %w[b]");
  FORM("asrv", "asr %[r], %[a], %[b]");
  FORM("asrv-w", "asr %w[r], %w[a], %w[b]");
  FORM("rorv", "ror %[r], %[a], %[b]");
  FORM("rorv-w", "ror %w[r], %w[a], %w[b]");
  FORM("mul", "mul %[r], %[a], %[b]");
  FORM("mul-w", "mul %w[r], %w[a], %w[b]");
  FORM("madd", "madd %[r], %[a], %[b], %[a]");
  FORM("msub-w", "msub %w[r], %w[a], %w[b], %w[b]");
  FORM("smulh", "smulh %[r], %[a], %[b]");
  FORM("umulh", "umulh %[r], %[a], %[b]");
  FORM("smull", "smull %[r], %w[a], %w[b]");
  FORM("umull", "umull %[r], %w[a], %w[b]");
  FORM("smsubl", "smsubl %[r], %w[a], %w[b], %[a]");
  FORM("umaddl", "umaddl %[r], %w[a], %w[b], %[b]");
  FORM("udiv", "udiv %[r], %[a], %[b]");
  FORM("sdiv", "sdiv %[r], %[a], %[b]");
  FORM("udiv-w", "udiv %w[r], %w[a], %w[b]");
  FORM("sdiv-w", "sdiv %w[r], %w[a], %w[b]");
  FORM("clz", "clz %[r], %[a]");
  FORM("clz-w", "clz %w[r], %w[a]");
  FORM("cls", "cls %[r], %[a]");
  FORM("cls-w", "cls %w[r], %w[a]");
  FORM("rbit", "rbit %[r], %[a]");
  FORM("rbit-w", "rbit %w[r], %w[a]");
  FORM("rev", "rev %[r], %[a]");
  FORM("rev-w", "rev %w[r], %w[a]");
  FORM("rev16", "rev16 %[r], %[a]");
  FORM("rev32", "rev32 %[r], %[a]");
  FORM("ubfx", "ubfx %[r], %[a], #5, #17");
  FORM("sbfx", "sbfx %[r], %[a], #40, #20");
  FORM("sbfx-w", "sbfx %w[r], %w[a], #3, #9");
  FORM("bfi", "mov %[r], %[b]\nbfi %[r], %[a], #9, #13");
  FORM("bfi-hi", "mov %[r], %[b]\nbfi %[r], %[a], #30, #20");
  FORM("bfxil", "mov %[r], %[b]\nbfxil %[r], %[a], #33, #12");
  FORM("bfxil-w", "mov %[r], %[b]\nbfxil %w[r], %w[a], #3, #12");
  FORM("sbfiz", "sbfiz %[r], %[a], #12, #30");
  FORM("ubfiz-w", "ubfiz %w[r], %w[a], #7, #9");
  FORM("sxtb", "sxtb %[r], %w[a]");
  FORM("sxth-w", "sxth %w[r], %w[a]");
  FORM("sxtw", "sxtw %[r], %w[a]");
  FORM("uxtb", "uxtb %w[r], %w[a]");
  FORM("uxth", "uxth %w[r], %w[a]");
  FORM("lsl-imm", "lsl %[r], %[a], #37");
  FORM("lsr-imm", "lsr %[r], %[a], #3");
  FORM("asr-imm", "asr %[r], %[a], #63");
  FORM("asr-imm-w", "asr %w[r], %w[a], #5");
  FORM("extr", "extr %[r], %[a], %[b], #23");
  FORM("extr-w", "extr %w[r], %w[a], %w[b], #7");
  FORM("ror-imm", "ror %[r], %[a], #41");
  FORM("csel", "cmp %[a], %[b]\ncsel %[r], %[a], %[b], lt");
  FORM("csinc", "cmp %[a], %[b]\ncsinc %[r], %[a], %[b], hi");
  FORM("csinv-w", "cmp %w[a], %w[b]\ncsinv %w[r], %w[a], %w[b], ge");
  FORM("csneg", "cmp %[a], %[b]\ncsneg %[r], %[a], %[b], le");
  FORM("cset-vs", "adds %[r], %[a], %[b]\ncset %[r], vs");
  FORM("cset-cc", "adds %[r], %[a], %[b]\ncset %[r], cc");
  FORM("csetm-mi", "subs %w[r], %w[a], %w[b]\ncsetm %[r], mi");
  FORM("cinc-ls", "cmp %[a], %[b]\ncinc %[r], %[a], ls");
  FORM("cneg-gt", "cmp %[a], %[b]\ncneg %[r], %[a], gt");
  FORM("ccmp", "cmp %[a], %[b]\nccmp %[b], #5, #9, ge\nmov %[r], #1");
  FORM("ccmn-w", "cmp %[a], %[b]\nccmn %w[a], %w[b], #2, ne\nmov %[r], #2");
  FORM("ccmp-pl", "tst %[a], %[b]\nccmp %[a], %[b], #15, pl\nmov %[r], #3");
  FORM("tst", "tst %[a], #0xff0\nmov %[r], %[b]");
  FORM("movk", "mov %[r], %[a]\nmovk %[r], #0x1234, lsl #32");
  FORM("movn", "movn %[r], #0x5a5a, lsl #16\nadd %[r], %[r], %[a]");
  FORM("movn-w", "movn %w[r], #0x5a5a, lsl #16\nadd %[r], %[r], %[a]");
  FORM("movz-w", "movz %w[r], #0xbeef, lsl #16\neor %[r], %[r], %[b]");
  return 0;
}
