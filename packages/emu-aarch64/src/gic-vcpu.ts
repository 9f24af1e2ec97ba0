/**
 * GICv2 virtualization: the hypervisor control interface (GICH: HCR, VTR, VMCR, MISR, EISR,
 * ELRSR, APR, list registers) and the virtual CPU interface the guest sees (GICV frame: CTLR,
 * PMR, BPR, IAR, EOIR, RPR, HPPIR, APR, IIDR, DIR), with the maintenance interrupt.
 */
import type { Aarch64Cpu } from "./cpu.js";

/** Number of list registers (GICH_VTR.ListRegs + 1). */
export const LIST_REGISTERS = 4;
const SPURIOUS = 1023;

const LrState = { Pending: 1, Active: 2 } as const;

/** List-register fields. */
function lrPriority(lr: number): number {
  return ((lr >>> 23) & 0x1f) << 3;
}
function lrState(lr: number): number {
  return (lr >>> 28) & 3;
}
function lrVirtualId(lr: number): number {
  return lr & 0x3ff;
}

/** The state of one CPU's GICv2 virtual interface. */
export class GicVcpu {
  /** GICH_HCR. */
  hcr = 0;
  /** GICH_VMCR (the guest's CTLR, PMR and BPR). */
  vmcr = 0;
  /** GICH_APR: active priorities, one bit per 5-bit priority level. */
  apr = 0;
  /** GICH_LR0..3. */
  readonly lr = new Uint32Array(LIST_REGISTERS);
  /** Called when the guest deactivates a hardware-linked (HW = 1) interrupt. */
  onPhysicalDeactivate: ((physicalId: number) => void) | null = null;

  /** The guest's priority mask (GICV_PMR). */
  private priorityMask(): number {
    return ((this.vmcr >>> 27) & 0x1f) << 3;
  }

  /** The running priority (lowest active priority level), 0x100 when idle. */
  private runningPriority(): number {
    if (this.apr === 0) return 0x100;
    return (31 - Math.clz32(this.apr & -this.apr)) << 3;
  }

  /** Index of the highest-priority pending LR the guest may take, or -1. */
  private bestPending(): number {
    let best = -1;
    let bestPriority = 0x100;
    const mask = this.priorityMask();
    for (let i = 0; i < LIST_REGISTERS; i++) {
      const lr = this.lr[i]!;
      if (!(lrState(lr) & LrState.Pending)) continue;
      const group1 = (lr >>> 30) & 1;
      if (!((this.vmcr >>> group1) & 1)) continue;
      const p = lrPriority(lr);
      if (p < bestPriority && p < mask) {
        best = i;
        bestPriority = p;
      }
    }
    if (best >= 0 && bestPriority >= this.runningPriority()) return -1;
    return best;
  }

  /** A virtual IRQ is signalled to the guest (GICH_HCR.En and a deliverable pending LR). */
  virtualIrqPending(): boolean {
    return (this.hcr & 1) === 1 && this.bestPending() >= 0;
  }

  /** GICH_EISR0: LRs whose EOI-requesting interrupt was retired. */
  eisr(): number {
    let bits = 0;
    for (let i = 0; i < LIST_REGISTERS; i++) {
      const lr = this.lr[i]!;
      if (lrState(lr) === 0 && !(lr >>> 31) && (lr >>> 19) & 1) bits |= 1 << i;
    }
    return bits;
  }

  /** GICH_ELRSR0: LRs that hold no interrupt. */
  elrsr(): number {
    let bits = 0;
    for (let i = 0; i < LIST_REGISTERS; i++) {
      const lr = this.lr[i]!;
      if (lrState(lr) === 0 && (lr >>> 31 || !((lr >>> 19) & 1))) bits |= 1 << i;
    }
    return bits;
  }

  /** GICH_MISR: the maintenance interrupt causes. */
  misr(): number {
    let misr = 0;
    if (this.eisr()) misr |= 1;
    let valid = 0;
    let pending = 0;
    for (let i = 0; i < LIST_REGISTERS; i++) {
      const s = lrState(this.lr[i]!);
      if (s) valid++;
      if (s & LrState.Pending) pending++;
    }
    if (this.hcr & 2 && valid <= 1) misr |= 2;
    if (this.hcr & 4 && this.hcr >>> 27) misr |= 4;
    if (this.hcr & 8 && pending === 0) misr |= 8;
    return misr;
  }

  /** Level of the maintenance interrupt. */
  maintenance(): boolean {
    return (this.hcr & 1) === 1 && this.misr() !== 0;
  }

  /** Read a GICH register by its offset in the GICH frame. */
  readGich(offset: number): number {
    if (offset >= 0x100 && offset < 0x100 + 4 * LIST_REGISTERS && !(offset & 3)) {
      return this.lr[(offset - 0x100) >>> 2]!;
    }
    switch (offset) {
      case 0x00:
        return this.hcr >>> 0;
      case 0x04: // VTR: 5 priority bits, 5 preemption bits, ListRegs - 1
        return ((4 << 29) | (4 << 26) | (LIST_REGISTERS - 1)) >>> 0;
      case 0x08:
        return this.vmcr >>> 0;
      case 0x10:
        return this.misr();
      case 0x20:
        return this.eisr();
      case 0x30:
        return this.elrsr();
      case 0xf0:
        return this.apr >>> 0;
      default:
        return 0;
    }
  }

  /** Write a GICH register by its offset in the GICH frame. */
  writeGich(offset: number, value: number): void {
    if (offset >= 0x100 && offset < 0x100 + 4 * LIST_REGISTERS && !(offset & 3)) {
      this.lr[(offset - 0x100) >>> 2] = value;
      return;
    }
    if (offset === 0x00) this.hcr = value >>> 0;
    else if (offset === 0x08) this.vmcr = value >>> 0;
    else if (offset === 0xf0) this.apr = value >>> 0;
  }

  /** Guest read of the GICV frame at `offset` (0..0x1fff). */
  read(cpu: Aarch64Cpu, offset: number): number {
    switch (offset) {
      case 0x00: // CTLR: EnableGrp0, EnableGrp1, AckCtl, FIQEn, CBPR, EOImode
        return (this.vmcr & 0x1f) | (this.vmcr & 0x200);
      case 0x04:
        return this.priorityMask();
      case 0x08:
        return (this.vmcr >>> 21) & 7;
      case 0x1c:
        return (this.vmcr >>> 18) & 7;
      case 0x0c:
      case 0x20:
        return this.acknowledge(cpu);
      case 0x14: {
        const rp = this.runningPriority();
        return rp === 0x100 ? 0xff : rp;
      }
      case 0x18:
      case 0x28: {
        const i = this.bestPending();
        return i < 0 ? SPURIOUS : lrVirtualId(this.lr[i]!) | (this.lr[i]! & 0x1c00);
      }
      case 0xd0:
        return this.apr >>> 0;
      case 0xfc:
        return 0x0002043b;
      default:
        return 0;
    }
  }

  /** Guest write of the GICV frame at `offset`. */
  write(cpu: Aarch64Cpu, offset: number, value: number): void {
    cpu.eventCheck = true;
    switch (offset) {
      case 0x00:
        this.vmcr = ((this.vmcr & ~0x21f) | (value & 0x21f)) >>> 0;
        return;
      case 0x04:
        this.vmcr = ((this.vmcr & 0x07ffffff) | (((value >>> 3) & 0x1f) << 27)) >>> 0;
        return;
      case 0x08:
        this.vmcr = ((this.vmcr & ~(7 << 21)) | ((value & 7) << 21)) >>> 0;
        return;
      case 0x1c:
        this.vmcr = ((this.vmcr & ~(7 << 18)) | ((value & 7) << 18)) >>> 0;
        return;
      case 0x10:
      case 0x24:
        this.endOfInterrupt(value & 0x3ff);
        return;
      case 0xd0:
        this.apr = value >>> 0;
        return;
      case 0x1000:
        this.deactivate(value & 0x3ff);
        return;
      default:
        return;
    }
  }

  /** GICV_IAR: the best pending LR becomes active; its priority becomes the running one. */
  private acknowledge(cpu: Aarch64Cpu): number {
    const i = this.bestPending();
    if (i < 0) return SPURIOUS;
    cpu.eventCheck = true;
    const lr = this.lr[i]!;
    this.lr[i] = ((lr & ~(3 << 28)) | (LrState.Active << 28)) >>> 0;
    this.apr = (this.apr | (1 << (lrPriority(lr) >>> 3))) >>> 0;
    return lrVirtualId(lr) | (lr >>> 31 ? 0 : lr & 0x1c00);
  }

  /** GICV_EOIR: drop the running priority, and deactivate unless EOImode is split. */
  private endOfInterrupt(id: number): void {
    if (id >= 1020) return;
    if (this.apr) this.apr = (this.apr & (this.apr - 1)) >>> 0;
    if (!((this.vmcr >>> 9) & 1)) this.deactivate(id);
  }

  /** Deactivate interrupt `id`: clear the active state of its LR (or count an unmatched EOI). */
  private deactivate(id: number): void {
    for (let i = 0; i < LIST_REGISTERS; i++) {
      const lr = this.lr[i]!;
      if (lrVirtualId(lr) === id && lrState(lr) & LrState.Active) {
        this.lr[i] = (lr & ~(LrState.Active << 28)) >>> 0;
        if (lr >>> 31) this.onPhysicalDeactivate?.((lr >>> 10) & 0x3ff);
        return;
      }
    }
    const count = ((this.hcr >>> 27) + 1) & 0x1f;
    this.hcr = ((this.hcr & 0x07ffffff) | (count << 27)) >>> 0;
  }

  /** Snapshot for state save. */
  save(): { hcr: number; vmcr: number; apr: number; lr: number[] } {
    return { hcr: this.hcr, vmcr: this.vmcr, apr: this.apr, lr: Array.from(this.lr) };
  }

  /** Restore a snapshot. */
  load(s: { hcr: number; vmcr: number; apr: number; lr: number[] }): void {
    this.hcr = s.hcr >>> 0;
    this.vmcr = s.vmcr >>> 0;
    this.apr = s.apr >>> 0;
    for (let i = 0; i < LIST_REGISTERS; i++) this.lr[i] = (s.lr[i] ?? 0) >>> 0;
  }
}
