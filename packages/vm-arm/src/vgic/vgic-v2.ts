/**
 * The vGICv2 of one VM: the distributor state machine plus, per CPU interface, the list registers
 * the kernel's virtual CPU interface presents to the guest. Interrupts wait in the distributor
 * (pending) until a list register is free, highest priority first: no fixed-size overflow ring to
 * overflow (C bug V5), nothing dropped while disabled (C bug V6). The number of list registers is
 * learnt from the kernel's answer instead of assumed to be 4.
 */
import { VgicDistributor, type VgicDistributorConfig } from "./distributor.js";

/** Writes a pending interrupt into list register `index` of CPU interface `cpu` (seL4_ARM_VCPU_InjectIRQ). */
export type ListRegisterWriter = (
  cpu: number,
  virq: number,
  priority: number,
  group: number,
  index: number,
) => number;

/** An interrupt's acknowledgement: called on the CPU interface that finished with it. */
export type VirqAck = (cpu: number, irq: number) => void;

/** `seL4_RangeError`: the kernel's answer to a list-register index beyond the hardware's. */
const seL4_RangeError = 4;
/** Upper bound on list registers (GICH_VTR.ListRegs is 6 bits). */
const MAX_LIST_REGS = 64;

/** Options of a vGIC. */
export interface VgicV2Config extends VgicDistributorConfig {
  /** Writes list registers (the kernel's InjectIRQ). */
  readonly write_lr: ListRegisterWriter;
}

/** The virtual GICv2 of one VM. */
export class VgicV2 {
  /** Distributor state. */
  readonly dist: VgicDistributor;
  /** Number of list registers, once the kernel has refused an index (else null: not known yet). */
  num_list_regs: number | null = null;
  readonly #writeLr: ListRegisterWriter;
  /** Per CPU interface: the interrupt in each list register (null = free). */
  readonly #lrs: (number | null)[][];
  /** Registered interrupts: key cpu*1024+irq for SGIs/PPIs, irq for SPIs. */
  readonly #handles = new Map<number, VirqAck>();
  /** Line level of level-sensitive interrupts (same keys). */
  readonly #levels = new Set<number>();

  /** Creates a vGIC in its reset state. */
  constructor(config: VgicV2Config) {
    this.dist = new VgicDistributor(config);
    this.#writeLr = config.write_lr;
    this.#lrs = Array.from({ length: this.dist.num_cpus }, () => []);
  }

  #key(cpu: number, irq: number): number {
    return irq < 32 ? cpu * 1024 + irq : irq;
  }

  #validCpu(cpu: number): boolean {
    return Number.isInteger(cpu) && cpu >= 0 && cpu < this.dist.num_cpus;
  }

  /** Registers `irq` (SGI/PPI: on `cpu`; SPI: VM-wide) with its ack; -1 if invalid or taken (C bug V8). */
  register_irq(cpu: number, irq: number, ack: VirqAck): number {
    if (!this.#validCpu(cpu) || !this.dist.valid_irq(irq)) return -1;
    const key = this.#key(cpu, irq);
    if (this.#handles.has(key)) return -1;
    this.#handles.set(key, ack);
    return 0;
  }

  /** Whether `irq` is registered for `cpu`. */
  is_registered(cpu: number, irq: number): boolean {
    return this.#handles.has(this.#key(cpu, irq));
  }

  /** The interrupts currently in `cpu`'s list registers (null = free). */
  list_registers(cpu: number): readonly (number | null)[] {
    return this.#lrs[cpu] ?? [];
  }

  /**
   * An edge on `irq` (`vm_inject_irq`): SGIs/PPIs for `cpu`, SPIs for their targets. Latched
   * while disabled. 0, or -1 if not registered or invalid. Already pending: coalesced.
   */
  inject(cpu: number, irq: number): number {
    if (!this.#validCpu(cpu) || !this.dist.valid_irq(irq) || !this.is_registered(cpu, irq)) {
      return -1;
    }
    if (this.#inLr(cpu, irq) < 0) this.dist.set_pending(cpu, irq);
    return this.sync_all();
  }

  /** Sets the line level of a level-sensitive `irq` (`vm_set_irq_level`). 0 or -1. */
  set_level(cpu: number, irq: number, level: number): number {
    if (!this.#validCpu(cpu) || !this.dist.valid_irq(irq) || irq < 16) return -1;
    if (!this.is_registered(cpu, irq)) return -1;
    const key = this.#key(cpu, irq);
    if (level) {
      this.#levels.add(key);
      if (this.#inLr(cpu, irq) < 0) this.dist.set_pending(cpu, irq);
    } else {
      this.#levels.delete(key);
      if (this.#inLr(cpu, irq) < 0) this.dist.clear_pending(cpu, irq);
    }
    return this.sync_all();
  }

  #inLr(cpu: number, irq: number): number {
    if (irq < 32) return this.#lrs[cpu]!.indexOf(irq);
    for (let c = 0; c < this.dist.num_cpus; c++) if (this.#lrs[c]!.includes(irq)) return c;
    return -1;
  }

  /**
   * The guest EOI'd list register `index` on `cpu` (a VGICMaintenance fault): frees it, clears the
   * interrupt's pending and active state, calls its ack, re-pends a level interrupt whose line is
   * still high and refills the list registers. -1 for an index that holds nothing (C asserted: V10).
   */
  maintenance(cpu: number, index: number): number {
    if (!this.#validCpu(cpu)) return -1;
    const lrs = this.#lrs[cpu]!;
    const irq = Number.isInteger(index) && index >= 0 ? lrs[index] : undefined;
    if (irq === undefined || irq === null) return -1;
    lrs[index] = null;
    this.dist.clear_pending(cpu, irq);
    this.dist.set_active(cpu, irq, false);
    this.#handles.get(this.#key(cpu, irq))?.(cpu, irq);
    if (this.#levels.has(this.#key(cpu, irq))) this.dist.set_pending(cpu, irq);
    return this.sync(cpu);
  }

  /**
   * A guest access to the distributor. Reads return the value; writes apply, ack interrupts the
   * guest enabled while they were not pending (re-arming their source, as C does) and refill the
   * list registers.
   */
  dist_access(cpu: number, offset: number, size: number, write: boolean, value = 0n): bigint {
    if (!write) return this.dist.read(cpu, offset, size);
    const fx = this.dist.write(cpu, offset, size, value);
    for (const { irq, cpu: c } of fx.enabled) {
      const ack = this.#handles.get(this.#key(c, irq));
      if (ack !== undefined && !this.dist.is_pending(c, irq) && this.#inLr(c, irq) < 0) ack(c, irq);
    }
    if (fx.deliverable_changed) this.sync_all();
    return 0n;
  }

  /** Refills every CPU interface's list registers. 0, or -1 if the kernel refused an injection. */
  sync_all(): number {
    let err = 0;
    for (let cpu = 0; cpu < this.dist.num_cpus; cpu++) if (this.sync(cpu) !== 0) err = -1;
    return err;
  }

  /** Loads deliverable interrupts of `cpu` into free list registers, highest priority first. */
  sync(cpu: number): number {
    const lrs = this.#lrs[cpu]!;
    for (const irq of this.dist.deliverable(cpu)) {
      if (this.#inLr(cpu, irq) >= 0) continue;
      let index = lrs.indexOf(null);
      if (index < 0) index = lrs.length;
      if (this.num_list_regs !== null && index >= this.num_list_regs) return 0;
      if (index >= MAX_LIST_REGS) return 0;
      const prio = this.dist.priority(cpu, irq) >> 3;
      const err = this.#writeLr(cpu, irq, prio, this.dist.group(cpu, irq), index);
      if (err === seL4_RangeError && index > 0) {
        this.num_list_regs = index; // the first index the kernel refused
        return 0;
      }
      if (err !== 0) return -1;
      lrs[index] = irq;
    }
    return 0;
  }
}
