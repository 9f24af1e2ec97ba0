/**
 * MRS/MSR (register): the EL0/EL1 system registers, the ID register space, the generic timer
 * registers, EL0 access rules (UNDEFINED or trapped to EL1) and HCR_EL2 traps (to the host).
 */
import type { Aarch64Cpu } from "./cpu.js";
import { Ec, raiseSync, sysRegTrap, sysRegTrapToHost, undefinedInstruction } from "./exceptions.js";
import { Hcr, Reg } from "./state.js";

/** Encoding key of a system register: op0:op1:CRn:CRm:op2 as in MRS bits [20:5]. */
function k(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

/** Identification values: a Cortex-A53-like ARMv8.0 CPU without crypto, CRC32, LSE or PMU. */
export const Id = {
  MIDR_EL1: 0x410fd034,
  /** EL0 and EL1 AArch64 only, FP and AdvSIMD implemented, no GIC system registers. */
  ID_AA64PFR0_EL1: 0x11,
  /** Debug v8, 2 breakpoints, 2 watchpoints, no PMU. */
  ID_AA64DFR0_EL1: 0x00101006,
  /** 48-bit PA, 16-bit ASIDs, 4 KiB granule only. */
  ID_AA64MMFR0_EL1: 0x0f000025,
  CTR_EL0: 0x84448004,
  CLIDR_EL1: 0x0a200023,
  CCSIDR_EL1: 0x700fe01a,
  /** DC ZVA block of 2^4 words (64 bytes). */
  DCZID_EL0: 4,
} as const;

/** Registers stored as is, with the keys that name them. */
const STORED = new Map<number, number>([
  [k(3, 0, 1, 0, 0), Reg.SCTLR_EL1],
  [k(3, 0, 1, 0, 1), Reg.ACTLR_EL1],
  [k(3, 0, 1, 0, 2), Reg.CPACR_EL1],
  [k(3, 0, 2, 0, 0), Reg.TTBR0_EL1],
  [k(3, 0, 2, 0, 1), Reg.TTBR1_EL1],
  [k(3, 0, 2, 0, 2), Reg.TCR_EL1],
  [k(3, 0, 5, 1, 0), Reg.AFSR0_EL1],
  [k(3, 0, 5, 1, 1), Reg.AFSR1_EL1],
  [k(3, 0, 5, 2, 0), Reg.ESR_EL1],
  [k(3, 0, 6, 0, 0), Reg.FAR_EL1],
  [k(3, 0, 7, 4, 0), Reg.PAR_EL1],
  [k(3, 0, 10, 2, 0), Reg.MAIR_EL1],
  [k(3, 0, 10, 3, 0), Reg.AMAIR_EL1],
  [k(3, 0, 12, 0, 0), Reg.VBAR_EL1],
  [k(3, 0, 13, 0, 1), Reg.CONTEXTIDR_EL1],
  [k(3, 0, 13, 0, 4), Reg.TPIDR_EL1],
  [k(3, 0, 14, 1, 0), Reg.CNTKCTL_EL1],
  [k(3, 0, 4, 0, 1), Reg.ELR_EL1],
  [k(3, 0, 4, 0, 0), Reg.SPSR_EL1],
  [k(3, 3, 13, 0, 2), Reg.TPIDR_EL0],
  [k(3, 3, 13, 0, 3), Reg.TPIDRRO_EL0],
  [k(3, 2, 0, 0, 0), Reg.CSSELR_EL1],
  [k(2, 0, 0, 2, 2), Reg.MDSCR_EL1],
  [k(2, 0, 1, 3, 4), Reg.OSDLR_EL1],
  [k(2, 0, 0, 2, 0), Reg.MDCCINT_EL1],
  ...[0, 1, 2, 3, 4, 5].flatMap((n): [number, number][] => [
    [k(2, 0, 0, n, 4), Reg.DBGBVR0_EL1 + n],
    [k(2, 0, 0, n, 5), Reg.DBGBCR0_EL1 + n],
  ]),
  ...[0, 1, 2, 3].flatMap((n): [number, number][] => [
    [k(2, 0, 0, n, 6), Reg.DBGWVR0_EL1 + n],
    [k(2, 0, 0, n, 7), Reg.DBGWCR0_EL1 + n],
  ]),
]);

/** Registers whose writes change translation (the TLB must be dropped). */
const TRANSLATION = new Set([
  k(3, 0, 1, 0, 0),
  k(3, 0, 2, 0, 0),
  k(3, 0, 2, 0, 1),
  k(3, 0, 2, 0, 2),
]);

/** Registers trapped by HCR_EL2.TVM (writes) and TRVM (reads). */
const VIRTUAL_MEMORY_CONTROLS = new Set([
  k(3, 0, 1, 0, 0),
  k(3, 0, 2, 0, 0),
  k(3, 0, 2, 0, 1),
  k(3, 0, 2, 0, 2),
  k(3, 0, 5, 1, 0),
  k(3, 0, 5, 1, 1),
  k(3, 0, 5, 2, 0),
  k(3, 0, 6, 0, 0),
  k(3, 0, 10, 2, 0),
  k(3, 0, 10, 3, 0),
  k(3, 0, 13, 0, 1),
]);

const KEY = {
  SP_EL0: k(3, 0, 4, 1, 0),
  SPSel: k(3, 0, 4, 2, 0),
  CurrentEL: k(3, 0, 4, 2, 2),
  DAIF: k(3, 3, 4, 2, 1),
  NZCV: k(3, 3, 4, 2, 0),
  FPCR: k(3, 3, 4, 4, 0),
  FPSR: k(3, 3, 4, 4, 1),
  CTR_EL0: k(3, 3, 0, 0, 1),
  DCZID_EL0: k(3, 3, 0, 0, 7),
  MIDR_EL1: k(3, 0, 0, 0, 0),
  MPIDR_EL1: k(3, 0, 0, 0, 5),
  REVIDR_EL1: k(3, 0, 0, 0, 6),
  CCSIDR_EL1: k(3, 1, 0, 0, 0),
  CLIDR_EL1: k(3, 1, 0, 0, 1),
  AIDR_EL1: k(3, 1, 0, 0, 7),
  OSLAR_EL1: k(2, 0, 1, 0, 4),
  OSLSR_EL1: k(2, 0, 1, 1, 4),
  CNTFRQ_EL0: k(3, 3, 14, 0, 0),
  CNTPCT_EL0: k(3, 3, 14, 0, 1),
  CNTVCT_EL0: k(3, 3, 14, 0, 2),
  ACTLR_EL1: k(3, 0, 1, 0, 1),
  TPIDR_EL0: k(3, 3, 13, 0, 2),
  TPIDRRO_EL0: k(3, 3, 13, 0, 3),
} as const;

/** The ISS of an EC 0x18 trap for an MRS/MSR/SYS instruction. */
export function sysRegIss(insn: number): number {
  const op0 = (insn >>> 19) & 3;
  const op1 = (insn >>> 16) & 7;
  const crn = (insn >>> 12) & 0xf;
  const crm = (insn >>> 8) & 0xf;
  const op2 = (insn >>> 5) & 7;
  const read = (insn >>> 21) & 1;
  return (
    (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | ((insn & 31) << 5) | (crm << 1) | read
  );
}

/** FP/SIMD access check (CPACR_EL1.FPEN): EC 0x07 to EL1 when trapped. */
export function checkFpAccess(cpu: Aarch64Cpu): void {
  const fpen = (cpu.sys[Reg.CPACR_EL1 * 2]! >>> 20) & 3;
  if (fpen === 3 || (fpen === 1 && cpu.el === 1)) return;
  raiseSync(cpu, Ec.FpAccess, 0, cpu.curLo, cpu.curHi, false, 0, 0);
}

/** MRS / MSR (register). */
export function accessSystemRegister(cpu: Aarch64Cpu, insn: number): void {
  const key = (insn >>> 5) & 0xffff;
  const read = (insn >>> 21) & 1;
  const rt = insn & 31;
  const el0 = cpu.el === 0;
  if (el0) checkEl0Access(cpu, insn, key, read);
  else checkHypervisorTraps(cpu, insn, key, read);
  if (read) {
    const lo = readRegister(cpu, key);
    if (lo === undefined) undefinedInstruction(cpu);
    if (rt !== 31) {
      cpu.x[rt * 2] = lo;
      cpu.x[rt * 2 + 1] = cpu.rhi;
    }
    return;
  }
  if (!writeRegister(cpu, key, cpu.x[rt * 2]!, cpu.x[rt * 2 + 1]!)) undefinedInstruction(cpu);
}

/** EL0 rules: only a few registers are reachable; some are gated by SCTLR/CNTKCTL bits. */
function checkEl0Access(cpu: Aarch64Cpu, insn: number, key: number, read: number): void {
  const sctlr = cpu.sys[Reg.SCTLR_EL1 * 2]!;
  const cntkctl = cpu.sys[Reg.CNTKCTL_EL1 * 2]!;
  switch (key) {
    case KEY.NZCV:
    case KEY.TPIDR_EL0:
    case KEY.DCZID_EL0:
      return;
    case KEY.FPCR:
    case KEY.FPSR: {
      checkFpAccess(cpu);
      return;
    }
    case KEY.TPIDRRO_EL0:
      if (!read) undefinedInstruction(cpu);
      return;
    case KEY.DAIF:
      if (!(sctlr & (1 << 9))) sysRegTrap(cpu, sysRegIss(insn));
      return;
    case KEY.CTR_EL0:
      if (!(sctlr & (1 << 15))) sysRegTrap(cpu, sysRegIss(insn));
      return;
    case KEY.CNTFRQ_EL0:
      if (!(cntkctl & 3)) sysRegTrap(cpu, sysRegIss(insn));
      return;
    case KEY.CNTPCT_EL0:
      if (!(cntkctl & 1)) sysRegTrap(cpu, sysRegIss(insn));
      return;
    case KEY.CNTVCT_EL0:
      if (!(cntkctl & 2)) sysRegTrap(cpu, sysRegIss(insn));
      return;
    default:
      break;
  }
  if ((key & ~7) === k(3, 3, 14, 2, 0) && (key & 7) <= 2) {
    if (!(cntkctl & (1 << 9))) sysRegTrap(cpu, sysRegIss(insn));
    return;
  }
  if ((key & ~7) === k(3, 3, 14, 3, 0) && (key & 7) <= 2) {
    if (!(cntkctl & (1 << 8))) sysRegTrap(cpu, sysRegIss(insn));
    return;
  }
  undefinedInstruction(cpu);
}

/** HCR_EL2 traps of EL1 accesses: TVM/TRVM, TID3, TACR. */
function checkHypervisorTraps(cpu: Aarch64Cpu, insn: number, key: number, read: number): void {
  const hcr = cpu.hcr();
  if (!(hcr & (Hcr.TVM | Hcr.TRVM | Hcr.TID3 | Hcr.TACR))) return;
  if (VIRTUAL_MEMORY_CONTROLS.has(key) && hcr & (read ? Hcr.TRVM : Hcr.TVM)) {
    sysRegTrapToHost(cpu, sysRegIss(insn));
  }
  if (hcr & Hcr.TID3 && read && isIdGroup3(key)) sysRegTrapToHost(cpu, sysRegIss(insn));
  if (hcr & Hcr.TACR && key === KEY.ACTLR_EL1) sysRegTrapToHost(cpu, sysRegIss(insn));
}

/** The ID register space op0=3, op1=0, CRn=0, CRm=1..7. */
function isIdGroup3(key: number): boolean {
  return (key & ~0x7f) === k(3, 0, 0, 0, 0) && ((key >>> 3) & 0xf) >= 1;
}

/** Value of an ID register of group 3 (unassigned ones read as zero). */
function idRegister(key: number): number {
  switch (key) {
    case k(3, 0, 0, 4, 0):
      return Id.ID_AA64PFR0_EL1;
    case k(3, 0, 0, 5, 0):
      return Id.ID_AA64DFR0_EL1;
    case k(3, 0, 0, 7, 0):
      return Id.ID_AA64MMFR0_EL1;
    default:
      return 0;
  }
}

/** Read a system register: low half (high in `cpu.rhi`), or undefined when not implemented. */
function readRegister(cpu: Aarch64Cpu, key: number): number | undefined {
  const s = cpu.sys;
  const slot = STORED.get(key);
  if (slot !== undefined) {
    cpu.rhi = s[slot * 2 + 1]!;
    return s[slot * 2]!;
  }
  cpu.rhi = 0;
  if (isIdGroup3(key)) return idRegister(key);
  switch (key) {
    case KEY.SP_EL0:
      if (cpu.spsel === 0) return undefined;
      cpu.rhi = s[Reg.SP_EL0 * 2 + 1]!;
      return s[Reg.SP_EL0 * 2]!;
    case KEY.SPSel:
      return cpu.spsel;
    case KEY.CurrentEL:
      return cpu.el << 2;
    case KEY.DAIF:
      return cpu.daif << 6;
    case KEY.NZCV:
      return (cpu.nf << 31) | (cpu.zf << 30) | (cpu.cf << 29) | (cpu.vf << 28) | 0;
    case KEY.FPCR:
      checkFpAccess(cpu);
      return cpu.fpcr | 0;
    case KEY.FPSR:
      checkFpAccess(cpu);
      return cpu.fpsr | 0;
    case KEY.CTR_EL0:
      return Id.CTR_EL0 | 0;
    case KEY.DCZID_EL0:
      return cpu.el === 0 && !(s[Reg.SCTLR_EL1 * 2]! & (1 << 14))
        ? Id.DCZID_EL0 | 16
        : Id.DCZID_EL0;
    case KEY.MIDR_EL1:
      return s[Reg.VPIDR_EL2 * 2] || Id.MIDR_EL1;
    case KEY.MPIDR_EL1:
      return s[Reg.VMPIDR_EL2 * 2] || cpu.mpidr | 0;
    case KEY.REVIDR_EL1:
    case KEY.AIDR_EL1:
      return 0;
    case KEY.CCSIDR_EL1:
      return Id.CCSIDR_EL1;
    case KEY.CLIDR_EL1:
      return Id.CLIDR_EL1;
    case KEY.OSLSR_EL1:
      return s[Reg.OSLSR_EL1 * 2]!;
    case KEY.CNTFRQ_EL0:
      return s[Reg.CNTFRQ_EL0 * 2]!;
    case KEY.CNTPCT_EL0:
      return splitNumber(cpu, cpu.timer.physicalCount(cpu));
    case KEY.CNTVCT_EL0:
      return splitNumber(cpu, cpu.timer.virtualCount(cpu));
    default:
      return readTimerRegister(cpu, key);
  }
}

/** CNTP_* and CNTV_* registers. */
function readTimerRegister(cpu: Aarch64Cpu, key: number): number | undefined {
  const virtual = (key & ~7) === k(3, 3, 14, 3, 0);
  if (!virtual && (key & ~7) !== k(3, 3, 14, 2, 0)) return undefined;
  const s = cpu.sys;
  switch (key & 7) {
    case 0:
      return cpu.timer.readTval(cpu, virtual);
    case 1:
      return cpu.timer.readControl(cpu, virtual);
    case 2: {
      const reg = virtual ? Reg.CNTV_CVAL_EL0 : Reg.CNTP_CVAL_EL0;
      cpu.rhi = s[reg * 2 + 1]!;
      return s[reg * 2]!;
    }
    default:
      return undefined;
  }
}

/** Split a non-negative integer below 2^64 into halves. */
function splitNumber(cpu: Aarch64Cpu, v: number): number {
  const hi = Math.floor(v / 4294967296);
  cpu.rhi = hi | 0;
  return (v - hi * 4294967296) | 0;
}

/** Write a system register; false when the register is not writable (UNDEFINED). */
function writeRegister(cpu: Aarch64Cpu, key: number, lo: number, hi: number): boolean {
  const s = cpu.sys;
  const slot = STORED.get(key);
  if (slot !== undefined) {
    if (key === KEY.TPIDRRO_EL0 && cpu.el === 0) return false;
    s[slot * 2] = lo;
    s[slot * 2 + 1] = hi;
    if (TRANSLATION.has(key)) cpu.flushTlb();
    return true;
  }
  switch (key) {
    case KEY.SP_EL0:
      if (cpu.spsel === 0) return false;
      s[Reg.SP_EL0 * 2] = lo;
      s[Reg.SP_EL0 * 2 + 1] = hi;
      return true;
    case KEY.SPSel:
      cpu.switchMode(cpu.el, lo & 1);
      return true;
    case KEY.DAIF:
      cpu.daif = (lo >>> 6) & 0xf;
      cpu.eventCheck = true;
      return true;
    case KEY.NZCV:
      cpu.nf = (lo >>> 31) & 1;
      cpu.zf = (lo >>> 30) & 1;
      cpu.cf = (lo >>> 29) & 1;
      cpu.vf = (lo >>> 28) & 1;
      return true;
    case KEY.FPCR:
      checkFpAccess(cpu);
      cpu.fpcr = lo & 0x07ff9f00;
      return true;
    case KEY.FPSR:
      checkFpAccess(cpu);
      cpu.fpsr = lo & 0xf800009f;
      return true;
    case KEY.OSLAR_EL1:
      s[Reg.OSLSR_EL1 * 2] = 0x8 | ((lo & 1) << 1);
      return true;
    default:
      return writeTimerRegister(cpu, key, lo, hi);
  }
}

/** CNTP_* and CNTV_* writes. */
function writeTimerRegister(cpu: Aarch64Cpu, key: number, lo: number, hi: number): boolean {
  const virtual = (key & ~7) === k(3, 3, 14, 3, 0);
  if (!virtual && (key & ~7) !== k(3, 3, 14, 2, 0)) return false;
  const s = cpu.sys;
  cpu.eventCheck = true;
  switch (key & 7) {
    case 0:
      cpu.timer.writeTval(cpu, virtual, lo);
      return true;
    case 1:
      s[(virtual ? Reg.CNTV_CTL_EL0 : Reg.CNTP_CTL_EL0) * 2] = lo & 3;
      return true;
    case 2: {
      const reg = virtual ? Reg.CNTV_CVAL_EL0 : Reg.CNTP_CVAL_EL0;
      s[reg * 2] = lo;
      s[reg * 2 + 1] = hi;
      return true;
    }
    default:
      return false;
  }
}
