/**
 * Indices of the system registers the CPU stores (each a 64-bit value kept as two 32-bit halves
 * in `Aarch64Cpu.sys`). Registers computed on access (counters, ID registers, CurrentEL...) have
 * no slot.
 */
export const Reg = {
  SCTLR_EL1: 0,
  ACTLR_EL1: 1,
  CPACR_EL1: 2,
  TTBR0_EL1: 3,
  TTBR1_EL1: 4,
  TCR_EL1: 5,
  AFSR0_EL1: 6,
  AFSR1_EL1: 7,
  ESR_EL1: 8,
  FAR_EL1: 9,
  PAR_EL1: 10,
  MAIR_EL1: 11,
  AMAIR_EL1: 12,
  VBAR_EL1: 13,
  CONTEXTIDR_EL1: 14,
  TPIDR_EL1: 15,
  CNTKCTL_EL1: 16,
  ELR_EL1: 17,
  SPSR_EL1: 18,
  TPIDR_EL0: 19,
  TPIDRRO_EL0: 20,
  CSSELR_EL1: 21,
  MDSCR_EL1: 22,
  OSDLR_EL1: 23,
  OSLSR_EL1: 24,
  MDCCINT_EL1: 25,
  CNTV_CTL_EL0: 26,
  CNTV_CVAL_EL0: 27,
  CNTP_CTL_EL0: 28,
  CNTP_CVAL_EL0: 29,
  CNTFRQ_EL0: 30,
  HCR_EL2: 31,
  CNTVOFF_EL2: 32,
  VMPIDR_EL2: 33,
  VPIDR_EL2: 34,
  SP_EL0: 35,
  SP_EL1: 36,
  DBGBVR0_EL1: 37, // 6 breakpoint value registers, then 6 control, 4 watchpoint value, 4 control
  DBGBCR0_EL1: 43,
  DBGWVR0_EL1: 49,
  DBGWCR0_EL1: 53,
} as const;

/** Number of stored system registers. */
export const REG_COUNT = 57;

/** Names of the stored system registers, by index (the keys of {@link CpuState.sysregs}). */
export const REG_NAMES: readonly string[] = (() => {
  const names: string[] = new Array(REG_COUNT).fill("");
  for (const [name, index] of Object.entries(Reg)) names[index] = name;
  for (let i = 0; i < 6; i++) {
    names[Reg.DBGBVR0_EL1 + i] = `DBGBVR${i}_EL1`;
    names[Reg.DBGBCR0_EL1 + i] = `DBGBCR${i}_EL1`;
  }
  for (let i = 0; i < 4; i++) {
    names[Reg.DBGWVR0_EL1 + i] = `DBGWVR${i}_EL1`;
    names[Reg.DBGWCR0_EL1 + i] = `DBGWCR${i}_EL1`;
  }
  return names;
})();

/** HCR_EL2 bits the emulator honours. */
export const Hcr = {
  VM: 1 << 0,
  FMO: 1 << 3,
  IMO: 1 << 4,
  AMO: 1 << 5,
  VF: 1 << 6,
  VI: 1 << 7,
  TWI: 1 << 13,
  TWE: 1 << 14,
  TID3: 1 << 18,
  TSC: 1 << 19,
  TACR: 1 << 21,
  TSW: 1 << 22,
  TTLB: 1 << 25,
  TVM: 1 << 26,
  TGE: 1 << 27,
  /** Bit 30 of HCR_EL2 (TRVM) */
  TRVM: 1 << 30,
} as const;

/**
 * The complete architectural state of the CPU, as saved by {@link Aarch64Cpu.saveState} and
 * restored by {@link Aarch64Cpu.loadState}. 64-bit values are BigInts (unsigned).
 */
export interface CpuState {
  /** X0..X30. */
  x: bigint[];
  /** Program counter. */
  pc: bigint;
  /** PSTATE in SPSR layout (NZCV, D, A, I, F, IL, SS, M[3:0] = EL and SPSel). */
  pstate: number;
  /** System registers by name ({@link REG_NAMES}), including SP_EL0, SP_EL1, HCR_EL2, CNTVOFF_EL2. */
  sysregs: Record<string, bigint>;
  /** V0..V31 as 128-bit values. */
  v: bigint[];
  /** FPCR. */
  fpcr: number;
  /** FPSR. */
  fpsr: number;
  /** Retired-instruction count that drives the generic timer's counter. */
  instret: number;
  /** GICv2 virtual interface: GICH_HCR, GICH_VMCR, GICH_APR and the list registers. */
  gic: { hcr: number; vmcr: number; apr: number; lr: number[] };
}
