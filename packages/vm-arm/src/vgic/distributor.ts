/**
 * The GICv2 distributor (GICD) register file as a state machine: enable, pending, active, group,
 * priority, target and configuration state of every interrupt, SGI generation and SGI pending
 * sources, with SGI/PPI state banked per CPU interface. Accesses are handled byte by byte, so
 * byte and halfword accesses select the right interrupts (C bug V1); every register of the
 * GICv2 map is emulated (C bugs V3, V4). No system calls: the vGIC layer (`vgic-v2.ts`) turns state
 * changes into list-register injections.
 */

/** Base guest-physical address of the distributor on QEMU's `virt` board. */
export const GIC_DIST_PADDR_QEMU_VIRT = 0x0800_0000;
/** Size of the distributor frame. */
export const GIC_DIST_SIZE = 0x1000;

/** Register offsets (GICv2 architecture specification, table 4-1). */
export const GICD_CTLR = 0x000;
/** Interrupt controller type. */
export const GICD_TYPER = 0x004;
/** Implementer identification. */
export const GICD_IIDR = 0x008;
/** Interrupt group registers. */
export const GICD_IGROUPR = 0x080;
/** Set-enable registers. */
export const GICD_ISENABLER = 0x100;
/** Clear-enable registers. */
export const GICD_ICENABLER = 0x180;
/** Set-pending registers. */
export const GICD_ISPENDR = 0x200;
/** Clear-pending registers. */
export const GICD_ICPENDR = 0x280;
/** Set-active registers. */
export const GICD_ISACTIVER = 0x300;
/** Clear-active registers. */
export const GICD_ICACTIVER = 0x380;
/** Priority registers (byte per interrupt). */
export const GICD_IPRIORITYR = 0x400;
/** Processor-target registers (byte per interrupt). */
export const GICD_ITARGETSR = 0x800;
/** Configuration registers (two bits per interrupt). */
export const GICD_ICFGR = 0xc00;
/** Software-generated interrupt register. */
export const GICD_SGIR = 0xf00;
/** SGI clear-pending registers (byte per SGI: source CPUs). */
export const GICD_CPENDSGIR = 0xf10;
/** SGI set-pending registers. */
export const GICD_SPENDSGIR = 0xf20;

/** Priority bits kept: the top five, as a list register holds them. */
const PRIORITY_MASK = 0xf8;
const ID_REGS: ReadonlyMap<number, number> = new Map([
  [0xfd0, 0x04], // PIDR4
  [0xfe0, 0x90], // PIDR0
  [0xfe4, 0xb4], // PIDR1
  [0xfe8, 0x2b], // PIDR2: GICv2
  [0xff0, 0x0d], // CIDR0..3
  [0xff4, 0xf0],
  [0xff8, 0x05],
  [0xffc, 0xb1],
]);

/** Shape of a distributor. */
export interface VgicDistributorConfig {
  /** CPU interfaces (vCPUs), 1..8. */
  readonly num_cpus: number;
  /** Interrupt IDs, a multiple of 32 from 64 to 1020 (rounded down to a multiple of 32). */
  readonly num_irqs: number;
}

/** What a distributor write changed, for the vGIC layer to act on. */
export interface DistributorWriteEffects {
  /** Interrupts whose enable bit went from 0 to 1, with the CPU interface whose view changed. */
  readonly enabled: { irq: number; cpu: number }[];
  /** Interrupts whose pending state was cleared by the guest. */
  readonly unpended: { irq: number; cpu: number }[];
  /** True if anything may have made an interrupt deliverable. */
  deliverable_changed: boolean;
}

/** The GICv2 distributor state of one VM. */
export class VgicDistributor {
  /** CPU interfaces. */
  readonly num_cpus: number;
  /** Interrupt IDs implemented. */
  readonly num_irqs: number;
  /** GICD_CTLR: bit 0 enables group 0, bit 1 group 1. */
  ctlr = 0;
  // Per-interrupt state; interrupts 0..31 are banked: index cpu*32+irq, SPIs after all banks.
  readonly #enabled: Uint8Array;
  readonly #pending: Uint8Array;
  readonly #active: Uint8Array;
  readonly #group: Uint8Array;
  readonly #priority: Uint8Array;
  /** ITARGETSR of SPIs (index irq). */
  readonly #targets: Uint8Array;
  /** ICFGR edge bit (index irq for >= 16; PPIs banked would be overkill: one config per PPI). */
  readonly #edge: Uint8Array;
  /** SGI pending sources: [cpu * 16 + sgi] = bit mask of source CPU interfaces. */
  readonly #sgiSources: Uint8Array;
  /** Interrupts pending on at least one CPU interface, so delivery scans only those. */
  readonly #anyPending = new Set<number>();

  /** Creates a distributor in its reset state. */
  constructor(config: VgicDistributorConfig) {
    if (!Number.isInteger(config.num_cpus) || config.num_cpus < 1 || config.num_cpus > 8) {
      throw new RangeError(`num_cpus ${config.num_cpus} not in 1..8`);
    }
    const irqs = Math.floor(config.num_irqs / 32) * 32;
    if (!Number.isInteger(config.num_irqs) || irqs < 64 || config.num_irqs > 1020) {
      throw new RangeError(`num_irqs ${config.num_irqs} not in 64..1020`);
    }
    this.num_cpus = config.num_cpus;
    this.num_irqs = irqs;
    const slots = this.num_cpus * 32 + irqs - 32;
    this.#enabled = new Uint8Array(slots);
    this.#pending = new Uint8Array(slots);
    this.#active = new Uint8Array(slots);
    this.#group = new Uint8Array(slots);
    this.#priority = new Uint8Array(slots);
    this.#targets = new Uint8Array(irqs);
    this.#edge = new Uint8Array(irqs);
    this.#sgiSources = new Uint8Array(this.num_cpus * 16);
    for (let cpu = 0; cpu < this.num_cpus; cpu++) {
      for (let sgi = 0; sgi < 16; sgi++) this.#enabled[cpu * 32 + sgi] = 1; // SGIs always enabled
    }
    for (let irq = 0; irq < 16; irq++) this.#edge[irq] = 1; // SGIs are edge triggered
    this.#targets.fill(1, 32); // SPIs go to CPU interface 0 until the guest routes them
  }

  #slot(cpu: number, irq: number): number {
    return irq < 32 ? cpu * 32 + irq : this.num_cpus * 32 + irq - 32;
  }

  /** Whether `irq` exists. */
  valid_irq(irq: number): boolean {
    return Number.isInteger(irq) && irq >= 0 && irq < this.num_irqs;
  }

  /** Enable state of `irq` as CPU interface `cpu` sees it. */
  is_enabled(cpu: number, irq: number): boolean {
    return this.#enabled[this.#slot(cpu, irq)] === 1;
  }

  /** Pending state of `irq` for `cpu` (SGIs: pending from any source). */
  is_pending(cpu: number, irq: number): boolean {
    if (irq < 16) return this.#sgiSources[cpu * 16 + irq] !== 0;
    return this.#pending[this.#slot(cpu, irq)] === 1;
  }

  /** Active state of `irq` for `cpu`. */
  is_active(cpu: number, irq: number): boolean {
    return this.#active[this.#slot(cpu, irq)] === 1;
  }

  /** Priority byte of `irq` for `cpu`. */
  priority(cpu: number, irq: number): number {
    return this.#priority[this.#slot(cpu, irq)]!;
  }

  /** Group (0 or 1) of `irq` for `cpu`. */
  group(cpu: number, irq: number): number {
    return this.#group[this.#slot(cpu, irq)]!;
  }

  /** Whether `irq` is configured edge-triggered. */
  is_edge(irq: number): boolean {
    return this.#edge[irq] === 1;
  }

  /** Target mask of `irq`: SGIs/PPIs target their own interface, SPIs per ITARGETSR. */
  targets(cpu: number, irq: number): number {
    return irq < 32 ? 1 << cpu : this.#targets[irq]!;
  }

  /** Makes `irq` pending (SPIs: for all targets; SGI: from `source`). */
  set_pending(cpu: number, irq: number, source = cpu): void {
    if (irq < 16) this.#sgiSources[cpu * 16 + irq]! |= 1 << source;
    else this.#pending[this.#slot(cpu, irq)] = 1;
    this.#anyPending.add(irq);
  }

  /** Clears the pending state of `irq` for `cpu` (SGIs: every source). */
  clear_pending(cpu: number, irq: number): void {
    if (irq < 16) this.#sgiSources[cpu * 16 + irq] = 0;
    else this.#pending[this.#slot(cpu, irq)] = 0;
    if (irq >= 32) {
      this.#anyPending.delete(irq);
      return;
    }
    for (let c = 0; c < this.num_cpus; c++) if (this.is_pending(c, irq)) return;
    this.#anyPending.delete(irq);
  }

  /** Sets or clears the active state of `irq` for `cpu`. */
  set_active(cpu: number, irq: number, active: boolean): void {
    this.#active[this.#slot(cpu, irq)] = active ? 1 : 0;
  }

  /** Whether `irq` would be signalled to `cpu` now: pending, enabled, group enabled, targeted. */
  is_deliverable(cpu: number, irq: number): boolean {
    const groupBit = this.group(cpu, irq) === 0 ? 1 : 2;
    return (
      (this.ctlr & groupBit) !== 0 &&
      this.is_pending(cpu, irq) &&
      !this.is_active(cpu, irq) &&
      this.is_enabled(cpu, irq) &&
      (this.targets(cpu, irq) & (1 << cpu)) !== 0
    );
  }

  /** Every interrupt deliverable to `cpu`, highest priority (lowest value) first, then by ID. */
  deliverable(cpu: number): number[] {
    const out: number[] = [];
    for (const irq of this.#anyPending) if (this.is_deliverable(cpu, irq)) out.push(irq);
    return out.sort((a, b) => this.priority(cpu, a) - this.priority(cpu, b) || a - b);
  }

  /** Reads `size` bytes (1, 2, 4 or 8) at `offset` as CPU interface `cpu`; little-endian. */
  read(cpu: number, offset: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.#readByte(cpu, offset + i));
    return v;
  }

  /**
   * Writes `size` bytes of `value` at `offset` as CPU interface `cpu`. SGIR acts only on a 32-bit
   * write (`sgi` receives each target); other registers byte by byte.
   */
  write(
    cpu: number,
    offset: number,
    size: number,
    value: bigint,
    sgi?: (target: number, intid: number) => void,
  ): DistributorWriteEffects {
    const fx: DistributorWriteEffects = { enabled: [], unpended: [], deliverable_changed: false };
    if (offset === GICD_SGIR) {
      if (size === 4) this.#writeSgir(cpu, Number(value & 0xffff_ffffn), sgi, fx);
      return fx;
    }
    for (let i = 0; i < size; i++) {
      this.#writeByte(cpu, offset + i, Number((value >> BigInt(8 * i)) & 0xffn), fx);
    }
    return fx;
  }

  #bits(base: number, offset: number, get: (irq: number) => boolean): number {
    let b = 0;
    for (let bit = 0; bit < 8; bit++) {
      const irq = (offset - base) * 8 + bit;
      if (irq < this.num_irqs && get(irq)) b |= 1 << bit;
    }
    return b;
  }

  #readByte(cpu: number, offset: number): number {
    const inRange = (base: number, per: number) =>
      offset >= base && offset < base + Math.ceil((this.num_irqs * per) / 8);
    if (offset < 4) return offset === 0 ? this.ctlr : 0;
    if (offset < 8) {
      const typer = (this.num_irqs / 32 - 1) | ((this.num_cpus - 1) << 5);
      return (typer >> ((offset - 4) * 8)) & 0xff;
    }
    if (offset < 12) return (0x0200_043b >> ((offset - 8) * 8)) & 0xff;
    if (inRange(GICD_IGROUPR, 1)) {
      return this.#bits(GICD_IGROUPR, offset, (irq) => this.group(cpu, irq) === 1);
    }
    for (const base of [GICD_ISENABLER, GICD_ICENABLER]) {
      if (inRange(base, 1)) return this.#bits(base, offset, (irq) => this.is_enabled(cpu, irq));
    }
    for (const base of [GICD_ISPENDR, GICD_ICPENDR]) {
      if (inRange(base, 1)) return this.#bits(base, offset, (irq) => this.is_pending(cpu, irq));
    }
    for (const base of [GICD_ISACTIVER, GICD_ICACTIVER]) {
      if (inRange(base, 1)) return this.#bits(base, offset, (irq) => this.is_active(cpu, irq));
    }
    if (inRange(GICD_IPRIORITYR, 8)) return this.priority(cpu, offset - GICD_IPRIORITYR);
    if (inRange(GICD_ITARGETSR, 8)) return this.targets(cpu, offset - GICD_ITARGETSR);
    if (inRange(GICD_ICFGR, 2)) {
      let b = 0;
      for (let k = 0; k < 4; k++) {
        const irq = (offset - GICD_ICFGR) * 4 + k;
        if (this.is_edge(irq)) b |= 2 << (2 * k);
      }
      return b;
    }
    if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + 16) {
      return this.#sgiSources[cpu * 16 + ((offset - GICD_CPENDSGIR) % 16)]!;
    }
    return ID_REGS.get(offset) ?? 0;
  }

  #eachBit(base: number, offset: number, byte: number, fn: (irq: number) => void): void {
    for (let bit = 0; bit < 8; bit++) {
      const irq = (offset - base) * 8 + bit;
      if (byte & (1 << bit) && irq < this.num_irqs) fn(irq);
    }
  }

  #writeByte(cpu: number, offset: number, byte: number, fx: DistributorWriteEffects): void {
    const inRange = (base: number, per: number) =>
      offset >= base && offset < base + Math.ceil((this.num_irqs * per) / 8);
    if (offset === GICD_CTLR) {
      const was = this.ctlr;
      this.ctlr = byte & 3;
      if (this.ctlr & ~was) fx.deliverable_changed = true;
      return;
    }
    if (inRange(GICD_IGROUPR, 1)) {
      for (let bit = 0; bit < 8; bit++) {
        const irq = (offset - GICD_IGROUPR) * 8 + bit;
        if (irq < this.num_irqs) this.#group[this.#slot(cpu, irq)] = (byte >> bit) & 1;
      }
      fx.deliverable_changed = true;
      return;
    }
    if (inRange(GICD_ISENABLER, 1)) {
      this.#eachBit(GICD_ISENABLER, offset, byte, (irq) => {
        const s = this.#slot(cpu, irq);
        if (this.#enabled[s] === 0) {
          this.#enabled[s] = 1;
          fx.enabled.push({ irq, cpu });
          fx.deliverable_changed = true;
        }
      });
      return;
    }
    if (inRange(GICD_ICENABLER, 1)) {
      // SGIs cannot be disabled (their enable bits are RAO/WI, an implementation choice of GICv2).
      this.#eachBit(GICD_ICENABLER, offset, byte, (irq) => {
        if (irq >= 16) this.#enabled[this.#slot(cpu, irq)] = 0;
      });
      return;
    }
    if (inRange(GICD_ISPENDR, 1)) {
      // SGI bits are WI: SGIs are made pending through GICD_SGIR or GICD_SPENDSGIR.
      this.#eachBit(GICD_ISPENDR, offset, byte, (irq) => {
        if (irq < 16) return;
        this.set_pending(cpu, irq);
        fx.deliverable_changed = true;
      });
      return;
    }
    if (inRange(GICD_ICPENDR, 1)) {
      this.#eachBit(GICD_ICPENDR, offset, byte, (irq) => {
        if (irq < 16) return;
        if (this.is_pending(cpu, irq)) fx.unpended.push({ irq, cpu });
        this.clear_pending(cpu, irq);
      });
      return;
    }
    if (inRange(GICD_ISACTIVER, 1)) {
      this.#eachBit(GICD_ISACTIVER, offset, byte, (irq) => this.set_active(cpu, irq, true));
      return;
    }
    if (inRange(GICD_ICACTIVER, 1)) {
      this.#eachBit(GICD_ICACTIVER, offset, byte, (irq) => this.set_active(cpu, irq, false));
      fx.deliverable_changed = true;
      return;
    }
    if (inRange(GICD_IPRIORITYR, 8)) {
      this.#priority[this.#slot(cpu, offset - GICD_IPRIORITYR)] = byte & PRIORITY_MASK;
      fx.deliverable_changed = true;
      return;
    }
    if (inRange(GICD_ITARGETSR, 8)) {
      const irq = offset - GICD_ITARGETSR;
      if (irq >= 32) {
        this.#targets[irq] = byte & ((1 << this.num_cpus) - 1);
        fx.deliverable_changed = true;
      }
      return;
    }
    if (inRange(GICD_ICFGR, 2)) {
      for (let k = 0; k < 4; k++) {
        const irq = (offset - GICD_ICFGR) * 4 + k;
        if (irq >= 16) this.#edge[irq] = (byte >> (2 * k + 1)) & 1;
      }
      return;
    }
    if (offset >= GICD_CPENDSGIR && offset < GICD_CPENDSGIR + 16) {
      const sgi = offset - GICD_CPENDSGIR;
      const before = this.#sgiSources[cpu * 16 + sgi]!;
      this.#sgiSources[cpu * 16 + sgi] = before & ~byte;
      if (before !== 0 && this.#sgiSources[cpu * 16 + sgi] === 0)
        fx.unpended.push({ irq: sgi, cpu });
      return;
    }
    if (offset >= GICD_SPENDSGIR && offset < GICD_SPENDSGIR + 16) {
      const sgi = offset - GICD_SPENDSGIR;
      const sources = byte & ((1 << this.num_cpus) - 1);
      this.#sgiSources[cpu * 16 + sgi]! |= sources;
      if (sources !== 0) this.#anyPending.add(sgi);
      fx.deliverable_changed = true;
    }
    // Everything else (TYPER, IIDR, reserved, NSACR, ID registers) is read-only or RAZ/WI.
  }

  #writeSgir(
    cpu: number,
    value: number,
    sgi: ((target: number, intid: number) => void) | undefined,
    fx: DistributorWriteEffects,
  ): void {
    const intid = value & 0xf;
    const filter = (value >>> 24) & 3;
    const all = (1 << this.num_cpus) - 1;
    const targets =
      filter === 0
        ? (value >>> 16) & all
        : filter === 1
          ? all & ~(1 << cpu)
          : filter === 2
            ? 1 << cpu
            : 0;
    for (let t = 0; t < this.num_cpus; t++) {
      if (!(targets & (1 << t))) continue;
      this.set_pending(t, intid, cpu);
      fx.deliverable_changed = true;
      sgi?.(t, intid);
    }
  }
}
