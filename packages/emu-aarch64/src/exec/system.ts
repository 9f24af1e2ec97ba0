/**
 * System instructions: hints, barriers, CLREX, MSR (immediate), SYS (cache maintenance, DC ZVA,
 * AT, TLBI) and MRS/MSR (register, see sysregs.ts).
 */
import type { Aarch64Cpu } from "../cpu.js";
import {
  Ec,
  esrOf,
  exitToHost,
  raiseSync,
  sysRegTrap,
  sysRegTrapToHost,
  undefinedInstruction,
} from "../exceptions.js";
import { addressTranslate } from "../mmu.js";
import { Hcr, Reg } from "../state.js";
import { accessSystemRegister, sysRegIss } from "../sysregs.js";

/** SCTLR_EL1 bits consulted here. */
const Sctlr = { UMA: 1 << 9, DZE: 1 << 14, NTWI: 1 << 16, NTWE: 1 << 18, UCI: 1 << 26 } as const;

/** Execute an instruction with bits [31:22] = 1101010100. */
export function execSystem(cpu: Aarch64Cpu, insn: number): void {
  const op0 = (insn >>> 19) & 3;
  if (op0 >= 2) {
    accessSystemRegister(cpu, insn);
    return;
  }
  if (op0 === 1) {
    sysInstruction(cpu, insn);
    return;
  }
  if ((insn >>> 21) & 1) undefinedInstruction(cpu);
  const crn = (insn >>> 12) & 0xf;
  const op1 = (insn >>> 16) & 7;
  const rt = insn & 31;
  if (rt !== 31) undefinedInstruction(cpu);
  if (crn === 2 && op1 === 3) {
    hint(cpu, (insn >>> 5) & 0x7f);
    return;
  }
  if (crn === 3 && op1 === 3) {
    const op2 = (insn >>> 5) & 7;
    if (op2 === 2) {
      cpu.exclusiveArmed = false;
      return;
    }
    if (op2 === 4 || op2 === 5 || op2 === 6) return; // DSB, DMB, ISB: a single in-order CPU
    undefinedInstruction(cpu);
  }
  if (crn === 4) {
    msrImmediate(cpu, insn);
    return;
  }
  undefinedInstruction(cpu);
}

/** HINT space: WFI/WFE trap or wait, everything else (YIELD, SEV, PAuth, BTI, CSDB...) a NOP. */
function hint(cpu: Aarch64Cpu, op: number): void {
  if (op !== 2 && op !== 3) return;
  const wfi = op === 3;
  const sctlr = cpu.sys[Reg.SCTLR_EL1 * 2]!;
  const iss = (1 << 24) | (0xe << 20) | (wfi ? 0 : 1);
  if (cpu.el === 0 && !(sctlr & (wfi ? Sctlr.NTWI : Sctlr.NTWE))) {
    raiseSync(cpu, Ec.Wfx, iss, cpu.curLo, cpu.curHi, false, 0, 0);
  }
  if (cpu.hcr() & (wfi ? Hcr.TWI : Hcr.TWE)) {
    exitToHost(cpu, "wfx", esrOf(Ec.Wfx, iss), cpu.curLo, cpu.curHi);
  }
  if (wfi && !cpu.interruptPending()) {
    // Sleep: the host advances time or injects an interrupt; the CPU resumes after the WFI.
    cpu.retireOnException = 1;
    exitToHost(cpu, "idle", 0, cpu.pcLo, cpu.pcHi);
  }
}

/** MSR DAIFSet/DAIFClr/SPSel (immediate). PAN and UAO are not implemented (ARMv8.0). */
function msrImmediate(cpu: Aarch64Cpu, insn: number): void {
  const op1 = (insn >>> 16) & 7;
  const op2 = (insn >>> 5) & 7;
  const crm = (insn >>> 8) & 0xf;
  if (op1 === 3 && (op2 === 6 || op2 === 7)) {
    if (cpu.el === 0 && !(cpu.sys[Reg.SCTLR_EL1 * 2]! & Sctlr.UMA)) {
      sysRegTrap(cpu, sysRegIss(insn));
    }
    cpu.daif = op2 === 6 ? cpu.daif | crm : cpu.daif & ~crm;
    cpu.eventCheck = true;
    return;
  }
  if (op1 === 0 && op2 === 5 && cpu.el === 1) {
    cpu.switchMode(1, crm & 1);
    return;
  }
  undefinedInstruction(cpu);
}

/** SYS: IC, DC, AT, TLBI. */
function sysInstruction(cpu: Aarch64Cpu, insn: number): void {
  if ((insn >>> 21) & 1) undefinedInstruction(cpu);
  const op1 = (insn >>> 16) & 7;
  const crn = (insn >>> 12) & 0xf;
  const crm = (insn >>> 8) & 0xf;
  const op2 = (insn >>> 5) & 7;
  const rt = insn & 31;
  const el0 = cpu.el === 0;
  const sctlr = cpu.sys[Reg.SCTLR_EL1 * 2]!;
  const hcr = cpu.hcr();
  if (crn === 7) {
    const code = (op1 << 8) | (crm << 3) | op2;
    switch (code) {
      case (0 << 8) | (1 << 3) | 0: // IC IALLUIS
      case (0 << 8) | (5 << 3) | 0: // IC IALLU
      case (0 << 8) | (6 << 3) | 1: // DC IVAC
        if (el0) undefinedInstruction(cpu);
        return;
      case (0 << 8) | (6 << 3) | 2: // DC ISW
      case (0 << 8) | (10 << 3) | 2: // DC CSW
      case (0 << 8) | (14 << 3) | 2: // DC CISW
        if (el0) undefinedInstruction(cpu);
        if (hcr & Hcr.TSW) sysRegTrapToHost(cpu, sysRegIss(insn));
        return;
      case (3 << 8) | (5 << 3) | 1: // IC IVAU
      case (3 << 8) | (10 << 3) | 1: // DC CVAC
      case (3 << 8) | (11 << 3) | 1: // DC CVAU
      case (3 << 8) | (14 << 3) | 1: // DC CIVAC
        if (el0 && !(sctlr & Sctlr.UCI)) sysRegTrap(cpu, sysRegIss(insn));
        return;
      case (3 << 8) | (4 << 3) | 1: // DC ZVA
        if (el0 && !(sctlr & Sctlr.DZE)) sysRegTrap(cpu, sysRegIss(insn));
        {
          zeroBlock(cpu, rt);
          return;
        }
      case (0 << 8) | (8 << 3) | 0: // AT S1E1R
      case (0 << 8) | (8 << 3) | 1: // AT S1E1W
      case (0 << 8) | (8 << 3) | 2: // AT S1E0R
      case (0 << 8) | (8 << 3) | 3: // AT S1E0W
        if (el0) undefinedInstruction(cpu);
        addressTranslate(
          cpu,
          cpu.x[rt * 2]!,
          cpu.x[rt * 2 + 1]!,
          (op2 & 1) === 1,
          op2 >= 2 ? 0 : 1,
        );
        return;
      default:
        undefinedInstruction(cpu);
    }
  }
  if (crn === 8 && op1 === 0 && (crm === 3 || crm === 7)) {
    if (op2 === 4 || op2 === 6) undefinedInstruction(cpu);
    if (el0) undefinedInstruction(cpu);
    if (hcr & Hcr.TTLB) sysRegTrapToHost(cpu, sysRegIss(insn));
    cpu.flushTlb();
    return;
  }
  undefinedInstruction(cpu);
}

/** DC ZVA: zero the 64-byte block holding the address in Xt. */
function zeroBlock(cpu: Aarch64Cpu, rt: number): void {
  const lo = cpu.x[rt * 2]! & ~63;
  const hi = cpu.x[rt * 2 + 1]!;
  const set = 2 + cpu.el;
  for (let i = 0; i < 64; i += 8) cpu.st64(lo + i, hi, set, 0, 0);
}
