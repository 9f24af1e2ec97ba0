/**
 * Moving a vCPU thread's state between the kernel objects and the emulated CPU: general
 * registers, pc, SP_EL0, PSTATE and TLS from the TCB's `seL4_UserContext`; the EL1 system
 * registers from the VCPU object (`seL4_VCPUReg_*`); the list registers from the VCPU's vGIC.
 * The kernel objects are the truth whenever the thread is not running: state goes in before a
 * slice and comes back out after it.
 */
import { type Aarch64Cpu, Reg } from "@sel4/emu-aarch64";
import type { TCB, VCPU } from "../../objects/types.js";

/** The emulator's register slot for each `seL4_VCPUReg` index (0..23). */
export const VCPU_REG_SLOTS: readonly number[] = [
  Reg.SCTLR_EL1,
  Reg.CPACR_EL1,
  Reg.TTBR0_EL1,
  Reg.TTBR1_EL1,
  Reg.TCR_EL1,
  Reg.MAIR_EL1,
  Reg.AMAIR_EL1,
  Reg.CONTEXTIDR_EL1,
  Reg.ACTLR_EL1,
  Reg.AFSR0_EL1,
  Reg.AFSR1_EL1,
  Reg.ESR_EL1,
  Reg.FAR_EL1,
  Reg.PAR_EL1,
  Reg.VBAR_EL1,
  Reg.TPIDR_EL1,
  Reg.VMPIDR_EL2,
  Reg.SP_EL1,
  Reg.ELR_EL1,
  Reg.SPSR_EL1,
  Reg.CNTV_CTL_EL0,
  Reg.CNTV_CVAL_EL0,
  Reg.CNTVOFF_EL2,
  Reg.CNTKCTL_EL1,
];

/** `seL4_UserContext` word indices (AArch64). */
const Ctx = { pc: 0, sp: 1, spsr: 2, x0: 3, tpidrEl0: 34, tpidrroEl0: 35 } as const;
const MASK32 = 0xffff_ffffn;

function writeSlot(cpu: Aarch64Cpu, slot: number, value: bigint): boolean {
  const lo = Number(value & MASK32) | 0;
  const hi = Number((value >> 32n) & MASK32) | 0;
  const s = cpu.sys;
  if (s[slot * 2] === lo && s[slot * 2 + 1] === hi) return false;
  s[slot * 2] = lo;
  s[slot * 2 + 1] = hi;
  return true;
}

/**
 * Loads the thread's registers and its VCPU's into the CPU. Returns true when a system register
 * changed (translation regime or traps may differ: the caller flushes the CPU's caches).
 */
export function loadVCPUState(cpu: Aarch64Cpu, t: TCB, vcpu: VCPU): boolean {
  const c = t.context;
  let changed = false;
  for (let i = 0; i < VCPU_REG_SLOTS.length; i++) {
    if (writeSlot(cpu, VCPU_REG_SLOTS[i]!, vcpu.regs[i] ?? 0n)) changed = true;
  }
  writeSlot(cpu, Reg.SP_EL0, c[Ctx.sp]!);
  writeSlot(cpu, Reg.TPIDR_EL0, c[Ctx.tpidrEl0]!);
  writeSlot(cpu, Reg.TPIDRRO_EL0, c[Ctx.tpidrroEl0]!);
  for (let n = 0; n <= 30; n++) cpu.setX(n, c[Ctx.x0 + n]!);
  // The kernel sanitises a VCPU thread's SPSR to EL0t/EL1t/EL1h; anything else runs as EL1h.
  let pstate = Number(c[Ctx.spsr]! & MASK32);
  const mode = pstate & 0x1f;
  if (mode !== 0 && mode !== 4 && mode !== 5) pstate = (pstate & ~0x1f) | 5;
  cpu.el = (pstate & 0x1f) >>> 2;
  cpu.spsel = pstate & 1;
  cpu.fetchTagLo = 1;
  cpu.reloadSp();
  cpu.setPstate(pstate);
  cpu.setPc(c[Ctx.pc]!);
  for (let i = 0; i < cpu.gic.lr.length; i++) cpu.gic.lr[i] = (vcpu.lrs[i] ?? 0) >>> 0;
  cpu.eventCheck = true;
  return changed;
}

/** Stores the CPU's state back into the thread's context and its VCPU object. */
export function saveVCPUState(cpu: Aarch64Cpu, t: TCB, vcpu: VCPU): void {
  const c = t.context;
  cpu.syncSp();
  c[Ctx.pc] = cpu.getPc();
  c[Ctx.sp] = cpu.getSys(Reg.SP_EL0);
  c[Ctx.spsr] = BigInt(cpu.getPstate());
  c[Ctx.tpidrEl0] = cpu.getSys(Reg.TPIDR_EL0);
  c[Ctx.tpidrroEl0] = cpu.getSys(Reg.TPIDRRO_EL0);
  for (let n = 0; n <= 30; n++) c[Ctx.x0 + n] = cpu.getX(n);
  for (let i = 0; i < VCPU_REG_SLOTS.length; i++) vcpu.regs[i] = cpu.getSys(VCPU_REG_SLOTS[i]!);
  for (let i = 0; i < cpu.gic.lr.length; i++) vcpu.lrs[i] = cpu.gic.lr[i]!;
}
