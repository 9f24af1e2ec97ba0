/**
 * Moving a vCPU thread's state between the kernel objects and the emulated CPU: general
 * registers, pc, SP_EL0, PSTATE and TLS from the TCB's `seL4_UserContext`; the EL1 system
 * registers from the VCPU object (`seL4_VCPUReg_*`); the list registers from the VCPU's vGIC.
 * The kernel objects are the truth whenever the thread is not running: state goes in before a
 * slice and comes back out after it. A mirror of the last synchronised values skips the BigInt
 * conversions of registers that did not change (most of them, on an MMIO exit).
 */
import { type Aarch64Cpu, Reg } from "@sel4/emu-aarch64";
import { seL4_UserContext_aarch64_fields } from "@sel4/sel4";
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

/** `seL4_UserContext` word index of a field (AArch64): x9..x15 come after x16..x18, x29, x30. */
const contextWord = (field: (typeof seL4_UserContext_aarch64_fields)[number]): number =>
  seL4_UserContext_aarch64_fields.indexOf(field);

/** `seL4_UserContext` word indices (AArch64) of the registers kept outside the X file. */
const Ctx = {
  pc: contextWord("pc"),
  sp: contextWord("sp"),
  spsr: contextWord("spsr"),
  tpidrEl0: contextWord("tpidr_el0"),
  tpidrroEl0: contextWord("tpidrro_el0"),
} as const;
const MASK32 = 0xffff_ffffn;

/** Context words kept in the CPU's X registers and system-register slots, with their homes. */
const CONTEXT_CELLS: readonly {
  readonly word: number;
  readonly inX: boolean;
  readonly at: number;
}[] = [
  ...Array.from({ length: 31 }, (_, n) => ({
    word: contextWord(`x${n}` as (typeof seL4_UserContext_aarch64_fields)[number]),
    inX: true,
    at: n,
  })),
  { word: Ctx.sp, inX: false, at: Reg.SP_EL0 },
  { word: Ctx.tpidrEl0, inX: false, at: Reg.TPIDR_EL0 },
  { word: Ctx.tpidrroEl0, inX: false, at: Reg.TPIDRRO_EL0 },
];

/** The values last moved between one VCPU's CPU and the kernel objects. */
export class RegisterMirror {
  /** Context words then VCPU registers, as BigInts and as the CPU's 32-bit halves. */
  private readonly values: (bigint | undefined)[] = [];
  private readonly lo = new Int32Array(CONTEXT_CELLS.length + VCPU_REG_SLOTS.length);
  private readonly hi = new Int32Array(CONTEXT_CELLS.length + VCPU_REG_SLOTS.length);

  /** Writes `value` into (array, index) unless it is what was last synchronised. */
  syncIn(i: number, value: bigint, array: Int32Array, index: number): boolean {
    if (this.values[i] === value) return false;
    const lo = Number(value & MASK32) | 0;
    const hi = Number((value >> 32n) & MASK32) | 0;
    this.values[i] = value;
    this.lo[i] = lo;
    this.hi[i] = hi;
    if (array[index] === lo && array[index + 1] === hi) return false;
    array[index] = lo;
    array[index + 1] = hi;
    return true;
  }

  /** The value at (array, index), reusing the last BigInt when the halves did not change. */
  syncOut(i: number, array: Int32Array, index: number): bigint {
    const lo = array[index]!;
    const hi = array[index + 1]!;
    const last = this.values[i];
    if (last !== undefined && this.lo[i] === lo && this.hi[i] === hi) return last;
    const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    this.values[i] = value;
    this.lo[i] = lo;
    this.hi[i] = hi;
    return value;
  }
}

/**
 * Loads the thread's registers and its VCPU's into the CPU. Returns true when a system register
 * changed (translation regime or traps may differ: the caller flushes the CPU's caches).
 */
export function loadVCPUState(
  cpu: Aarch64Cpu,
  mirror: RegisterMirror,
  t: TCB,
  vcpu: VCPU,
): boolean {
  const c = t.context;
  const base = CONTEXT_CELLS.length;
  let changed = false;
  for (let i = 0; i < VCPU_REG_SLOTS.length; i++) {
    if (mirror.syncIn(base + i, vcpu.regs[i] ?? 0n, cpu.sys, VCPU_REG_SLOTS[i]! * 2))
      changed = true;
  }
  for (let i = 0; i < CONTEXT_CELLS.length; i++) {
    const cell = CONTEXT_CELLS[i]!;
    mirror.syncIn(i, c[cell.word]!, cell.inX ? cpu.x : cpu.sys, cell.at * 2);
  }
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
export function saveVCPUState(cpu: Aarch64Cpu, mirror: RegisterMirror, t: TCB, vcpu: VCPU): void {
  const c = t.context;
  cpu.syncSp();
  c[Ctx.pc] = cpu.getPc();
  c[Ctx.spsr] = BigInt(cpu.getPstate());
  for (let i = 0; i < CONTEXT_CELLS.length; i++) {
    const cell = CONTEXT_CELLS[i]!;
    c[cell.word] = mirror.syncOut(i, cell.inX ? cpu.x : cpu.sys, cell.at * 2);
  }
  const base = CONTEXT_CELLS.length;
  for (let i = 0; i < VCPU_REG_SLOTS.length; i++) {
    vcpu.regs[i] = mirror.syncOut(base + i, cpu.sys, VCPU_REG_SLOTS[i]! * 2);
  }
  for (let i = 0; i < cpu.gic.lr.length; i++) vcpu.lrs[i] = cpu.gic.lr[i]!;
}
