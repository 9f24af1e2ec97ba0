/**
 * The exception model: entry to EL1 (vectors, ESR/ELR/SPSR/FAR), exits to the host for anything
 * routed to EL2, and ERET.
 */
import type { Aarch64Cpu } from "./cpu.js";
import type { ExitReason } from "./exit.js";
import { Hcr, Reg } from "./state.js";

/** Offsets of the exception kinds inside a vector group. */
export const ExceptionVector = { Sync: 0, Irq: 0x80, Fiq: 0x100, SError: 0x180 } as const;

/** Exception classes (ESR.EC) the emulator produces. */
export const Ec = {
  Unknown: 0x00,
  Wfx: 0x01,
  FpAccess: 0x07,
  IllegalState: 0x0e,
  Svc: 0x15,
  Hvc: 0x16,
  Smc: 0x17,
  SysReg: 0x18,
  InsnAbortLower: 0x20,
  InsnAbortSame: 0x21,
  PcAlign: 0x22,
  DataAbortLower: 0x24,
  DataAbortSame: 0x25,
  SpAlign: 0x26,
  Brk: 0x3c,
} as const;

/** Build an ESR value for a 32-bit instruction (IL = 1). */
export function esrOf(ec: number, iss: number): number {
  return ((ec << 26) | (1 << 25) | (iss & 0x1ffffff)) >>> 0;
}

/**
 * Take an exception to EL1: save PSTATE and the return address, switch to EL1h with DAIF
 * masked and jump to the vector. `esr` is written for synchronous exceptions only.
 */
export function enterException(
  cpu: Aarch64Cpu,
  vector: number,
  esr: number,
  retLo: number,
  retHi: number,
): void {
  const s = cpu.sys;
  s[Reg.SPSR_EL1 * 2] = cpu.getPstate() | 0;
  s[Reg.SPSR_EL1 * 2 + 1] = 0;
  s[Reg.ELR_EL1 * 2] = retLo;
  s[Reg.ELR_EL1 * 2 + 1] = retHi;
  if (vector === ExceptionVector.Sync) {
    s[Reg.ESR_EL1 * 2] = esr | 0;
    s[Reg.ESR_EL1 * 2 + 1] = 0;
  }
  const group = cpu.el === 0 ? 0x400 : cpu.spsel ? 0x200 : 0;
  cpu.switchMode(1, 1);
  cpu.daif = 0xf;
  // The flags live on in SPSR_EL1; the new PSTATE starts with NZCV clear, as in QEMU.
  cpu.nf = 0;
  cpu.zf = 0;
  cpu.cf = 0;
  cpu.vf = 0;
  cpu.exclusiveArmed = false;
  const vbarLo = s[Reg.VBAR_EL1 * 2]! & ~0x7ff;
  cpu.pcLo = (vbarLo + group + vector) | 0;
  cpu.pcHi = s[Reg.VBAR_EL1 * 2 + 1]!;
}

/** Fill the exit record, set the PC the host sees and unwind: the exception went to EL2. */
export function exitToHost(
  cpu: Aarch64Cpu,
  reason: ExitReason,
  esr: number,
  retLo: number,
  retHi: number,
): never {
  const exit = cpu.exit;
  exit.reason = reason;
  exit.esr = esr >>> 0;
  cpu.pcLo = retLo;
  cpu.pcHi = retHi;
  cpu.exitPending = true;
  throw cpu.signal;
}

/**
 * Raise a synchronous exception: to EL1, or to the host when taken from EL0 with HCR_EL2.TGE.
 * `hasFar` says whether FAR gets (farLo, farHi).
 */
export function raiseSync(
  cpu: Aarch64Cpu,
  ec: number,
  iss: number,
  retLo: number,
  retHi: number,
  hasFar: boolean,
  farLo: number,
  farHi: number,
): never {
  const esr = esrOf(ec, iss);
  if (cpu.el === 0 && cpu.hcr() & Hcr.TGE) {
    if (hasFar) cpu.exit.far = (BigInt(farHi >>> 0) << 32n) | BigInt(farLo >>> 0);
    exitToHost(cpu, "el2-exception", esr, retLo, retHi);
  }
  if (hasFar) {
    cpu.sys[Reg.FAR_EL1 * 2] = farLo;
    cpu.sys[Reg.FAR_EL1 * 2 + 1] = farHi;
  }
  enterException(cpu, ExceptionVector.Sync, esr, retLo, retHi);
  throw cpu.signal;
}

/** The instruction is UNDEFINED: EC 0 exception at the instruction. */
export function undefinedInstruction(cpu: Aarch64Cpu): never {
  raiseSync(cpu, Ec.Unknown, 0, cpu.curLo, cpu.curHi, false, 0, 0);
}

/** A trapped EL0 access to a system register or instruction (EC 0x18) taken to EL1. */
export function sysRegTrap(cpu: Aarch64Cpu, iss: number): never {
  raiseSync(cpu, Ec.SysReg, iss, cpu.curLo, cpu.curHi, false, 0, 0);
}

/** An access trapped to EL2 by HCR_EL2 (EC 0x18): exit with the PC at the instruction. */
export function sysRegTrapToHost(cpu: Aarch64Cpu, iss: number): never {
  exitToHost(cpu, "sysreg", esrOf(Ec.SysReg, iss), cpu.curLo, cpu.curHi);
}

/** ERET: return from an exception taken to EL1. */
export function exceptionReturn(cpu: Aarch64Cpu): void {
  if (cpu.el === 0) undefinedInstruction(cpu);
  const s = cpu.sys;
  const spsr = s[Reg.SPSR_EL1 * 2]!;
  const elrLo = s[Reg.ELR_EL1 * 2]!;
  const elrHi = s[Reg.ELR_EL1 * 2 + 1]!;
  cpu.exclusiveArmed = false;
  cpu.eventCheck = true;
  cpu.nf = (spsr >>> 31) & 1;
  cpu.zf = (spsr >>> 30) & 1;
  cpu.cf = (spsr >>> 29) & 1;
  cpu.vf = (spsr >>> 28) & 1;
  cpu.daif = (spsr >>> 6) & 0xf;
  const m = spsr & 0x1f;
  if (m !== 0 && m !== 4 && m !== 5) {
    // Illegal exception return: mode unchanged, PSTATE.IL set; the next instruction takes an
    // Illegal Execution State exception.
    raiseSync(cpu, Ec.IllegalState, 0, elrLo, elrHi, false, 0, 0);
  }
  cpu.switchMode(m >>> 2, m & 1);
  cpu.pcLo = elrLo;
  cpu.pcHi = elrHi;
}
