/**
 * The instruction-specific syndrome of a data abort (ESR ISS[24:14]: ISV, SAS, SSE, SRT, SF, AR),
 * decoded from the faulting instruction only when a stage-2 abort is reported, so the load/store
 * hot path does no syndrome work. ISV is set where hardware sets it: single general-register
 * loads and stores without writeback, and load-acquire/store-release.
 */
export function isvSyndrome(insn: number): number {
  const size = insn >>> 30;
  const rt = insn & 31;
  const singleRegister =
    (insn & 0x3f000000) === 0x39000000 || // unsigned offset
    ((insn & 0x3f200000) === 0x38000000 && !(insn & 0x400)) || // unscaled, unprivileged
    (insn & 0x3f200c00) === 0x38200800; // register offset
  if (singleRegister) {
    const opc = (insn >>> 22) & 3;
    if (size === 3 && opc >= 2) return 0; // PRFM
    if (size === 2 && opc === 3) return 0;
    return (
      (1 << 24) |
      (size << 22) |
      (opc >= 2 ? 1 << 21 : 0) |
      (rt << 16) |
      (opc === 2 || size === 3 ? 1 << 15 : 0)
    );
  }
  // LDAR / STLR: bits [29:23] = 0010001, o1 = 0, o0 = 1.
  if ((insn & 0x3fa08000) === 0x08808000) {
    return (1 << 24) | (size << 22) | (rt << 16) | (size === 3 ? 1 << 15 : 0) | (1 << 14);
  }
  return 0;
}
