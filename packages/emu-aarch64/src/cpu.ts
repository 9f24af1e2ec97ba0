import { execute } from "./decode/dispatch.js";
import { ExceptionVector, enterException } from "./exceptions.js";
import type { Exit } from "./exit.js";
import { GicVcpu } from "./gic-vcpu.js";
import type { PhysicalMemory } from "./host.js";
import { accessSlow, fetchSlow } from "./mmu.js";
import { type CpuState, Hcr, REG_COUNT, REG_NAMES, Reg } from "./state.js";
import { Timer } from "./timer.js";
import { SoftTlb, TLB_SIZE } from "./tlb.js";

/** Options of {@link Aarch64Cpu}. */
export interface CpuOptions {
  /** The physical side of the machine (stage 2, RAM, MMIO). */
  memory: PhysicalMemory;
  /** Aff0 of MPIDR_EL1 (the vCPU index). Default 0. */
  cpuIndex?: number;
  /** CNTFRQ_EL0 in Hz. Default 62.5 MHz (as QEMU's virt board). */
  counterFrequency?: number;
  /**
   * Guest instructions per second of the instruction-count clock: the counter advances
   * `counterFrequency / instructionsPerSecond` ticks per retired instruction. Default equal to
   * `counterFrequency` (one tick per instruction).
   */
  instructionsPerSecond?: number;
}

/** Raised inside the emulator to unwind an instruction that took an exception; never escapes. */
class GuestExceptionSignal extends Error {}

const TLB_MASK = TLB_SIZE - 1;

/**
 * One AArch64 processing element running at EL0/EL1, with EL2 as the host: exceptions routed to
 * EL2 end {@link Aarch64Cpu.run} with an {@link Exit}.
 *
 * Registers are kept as 32-bit halves: `x[2n]` is the low and `x[2n+1]` the high half of Xn;
 * slots 62/63 read as zero (XZR) and 64/65 hold the current stack pointer.
 */
export class Aarch64Cpu {
  /** X0..X30 as (low, high) Int32 pairs, then XZR (always zero), then the current SP. */
  readonly x = new Int32Array(66);
  /** Low half of the program counter. */
  pcLo = 0;
  /** High half of the program counter. */
  pcHi = 0;
  /** Low half of the address of the instruction being executed. */
  curLo = 0;
  /** High half of the address of the instruction being executed. */
  curHi = 0;
  /** PSTATE.N (0 or 1). */
  nf = 0;
  /** PSTATE.Z (0 or 1). */
  zf = 0;
  /** PSTATE.C (0 or 1). */
  cf = 0;
  /** PSTATE.V (0 or 1). */
  vf = 0;
  /** Current exception level, 0 or 1. */
  el = 1;
  /** PSTATE.SPSel. */
  spsel = 1;
  /** PSTATE.D, A, I and F as a 4-bit value (D = 8, A = 4, I = 2, F = 1). */
  daif = 0xf;
  /** Stored system registers as (low, high) pairs, indexed by {@link Reg}. */
  readonly sys = new Int32Array(REG_COUNT * 2);
  /** The 32 128-bit FP/SIMD registers, little-endian, 16 bytes each. */
  readonly vbuf = new ArrayBuffer(512);
  /** Byte view of the vector registers. */
  readonly vb = new Uint8Array(this.vbuf);
  /** 32-bit lane view of the vector registers. */
  readonly vw = new Int32Array(this.vbuf);
  /** Unsigned 16-bit lane view of the vector registers. */
  readonly vh = new Uint16Array(this.vbuf);
  /** Unsigned 32-bit lane view of the vector registers. */
  readonly vu = new Uint32Array(this.vbuf);
  /** Unsigned 64-bit lane view of the vector registers (cold AdvSIMD paths only). */
  readonly vq = new BigUint64Array(this.vbuf);
  /** Single-precision view of the vector registers. */
  readonly vs = new Float32Array(this.vbuf);
  /** Double-precision view of the vector registers. */
  readonly vd = new Float64Array(this.vbuf);
  /** FPCR. */
  fpcr = 0;
  /** FPSR (cumulative exception flags and QC). */
  fpsr = 0;
  /** Retired instructions since reset: the clock of the generic timer. */
  instret = 0;
  /** The software TLB. */
  readonly tlb: SoftTlb;
  /** Virtual page of the instruction-fetch cache (low half; 1 = invalid). */
  fetchTagLo = 1;
  /** Virtual page of the instruction-fetch cache (high half). */
  fetchTagHi = 0;
  /** The cached instruction page as 1024 little-endian words. */
  fetchWords: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  /** High half of the last 64-bit value a helper returned (the low half is the return value). */
  rhi = 0;
  /** AttrIndx (bits 2:0) and SH (bits 4:3) of the last stage-1 walk's leaf; -1 with the MMU off. */
  walkAttributes = -1;
  /** First loaded value of a pair (low half). */
  pairLo = 0;
  /** First loaded value of a pair (high half). */
  pairHi = 0;
  /** SCTLR_EL1.A: every data access must be aligned. */
  alignCheck = false;
  /** The instruction word being executed (decoded again for abort syndromes). */
  insn = 0;
  /** Exclusive monitor: armed flag. */
  exclusiveArmed = false;
  /** Exclusive monitor: address (low, high) and size in bytes. */
  exclusiveLo = 0;
  /** See `exclusiveLo`. */
  exclusiveHi = 0;
  /** See `exclusiveLo`. */
  exclusiveSize = 0;
  /** Set when interrupts, timers or lines must be looked at before the next instruction. */
  eventCheck = true;
  /** Set when an exception to EL2 filled `exit` and `run` must return. */
  exitPending = false;
  /** Set when an instruction that exits to the host still retires (SVC, HVC, idle WFI). */
  retireOnException = 0;
  /** The physical IRQ input. */
  irqInput = false;
  /** The physical FIQ input. */
  fiqInput = false;
  /** Output lines whose changes end `run` (see {@link IrqLine}). */
  watched = 0;
  /** Output line levels reported by the last exit. */
  lastLines = 0;
  /** The generic timer. */
  readonly timer: Timer;
  /** The GICv2 virtual CPU interface (list registers and GICV frame). */
  readonly gic = new GicVcpu();
  /** The host's physical memory. */
  readonly memory: PhysicalMemory;
  /** MPIDR_EL1 value. */
  readonly mpidr: number;
  /** The exit record returned by `run`. */
  readonly exit: Exit = {
    reason: "budget",
    esr: 0,
    far: 0n,
    ipa: 0,
    hpfar: 0,
    lines: 0,
    instructions: 0,
  };
  /** Thrown to unwind an instruction that took an exception. */
  readonly signal = new GuestExceptionSignal("guest exception");

  /** Create a CPU in its reset state: EL1h, all interrupts masked, MMU off, PC 0. */
  constructor(options: CpuOptions) {
    this.memory = options.memory;
    const placeholder = new DataView(new ArrayBuffer(8));
    this.tlb = new SoftTlb(placeholder);
    this.mpidr = (0x80000000 | ((options.cpuIndex ?? 0) & 0xff)) >>> 0;
    const freq = options.counterFrequency ?? 62_500_000;
    this.timer = new Timer(freq, options.instructionsPerSecond ?? freq);
    this.sys[Reg.CNTFRQ_EL0 * 2] = freq;
    this.sys[Reg.SCTLR_EL1 * 2] = 0x30d00800; // RES1 bits, MMU off
    this.sys[Reg.OSLSR_EL1 * 2] = 0x8;
  }

  // ---- registers -------------------------------------------------------------------------

  /** Read a system register slot as an unsigned BigInt (cold paths and tests). */
  getSys(reg: number): bigint {
    return (BigInt(this.sys[reg * 2 + 1]! >>> 0) << 32n) | BigInt(this.sys[reg * 2]! >>> 0);
  }

  /** Write a system register slot from a BigInt (cold paths and tests). */
  setSys(reg: number, value: bigint): void {
    this.sys[reg * 2] = Number(value & 0xffffffffn) | 0;
    this.sys[reg * 2 + 1] = Number((value >> 32n) & 0xffffffffn) | 0;
    this.systemChanged();
  }

  /** Xn (n = 0..30; 31 reads the zero register) as an unsigned BigInt. */
  getX(n: number): bigint {
    return (BigInt(this.x[n * 2 + 1]! >>> 0) << 32n) | BigInt(this.x[n * 2]! >>> 0);
  }

  /** Set Xn (n = 0..30) from a BigInt. */
  setX(n: number, value: bigint): void {
    if (n < 0 || n > 30) throw new RangeError(`no register X${n}`);
    this.x[n * 2] = Number(value & 0xffffffffn) | 0;
    this.x[n * 2 + 1] = Number((value >> 32n) & 0xffffffffn) | 0;
  }

  /** The current stack pointer as an unsigned BigInt. */
  getSp(): bigint {
    return (BigInt(this.x[65]! >>> 0) << 32n) | BigInt(this.x[64]! >>> 0);
  }

  /** Set the current stack pointer. */
  setSp(value: bigint): void {
    this.x[64] = Number(value & 0xffffffffn) | 0;
    this.x[65] = Number((value >> 32n) & 0xffffffffn) | 0;
  }

  /** The program counter as an unsigned BigInt. */
  getPc(): bigint {
    return (BigInt(this.pcHi >>> 0) << 32n) | BigInt(this.pcLo >>> 0);
  }

  /** Set the program counter. */
  setPc(value: bigint): void {
    this.pcLo = Number(value & 0xffffffffn) | 0;
    this.pcHi = Number((value >> 32n) & 0xffffffffn) | 0;
  }

  /** PSTATE in the SPSR layout. */
  getPstate(): number {
    return (
      ((this.nf << 31) |
        (this.zf << 30) |
        (this.cf << 29) |
        (this.vf << 28) |
        (this.daif << 6) |
        (this.el << 2) |
        this.spsel) >>>
      0
    );
  }

  /**
   * Set PSTATE from an SPSR-layout value. Only AArch64 EL0t, EL1t and EL1h are accepted; other
   * modes raise a RangeError (the host's mistake, not the guest's).
   */
  setPstate(value: number): void {
    const m = value & 0x1f;
    if (m !== 0 && m !== 4 && m !== 5) throw new RangeError(`unsupported PSTATE mode ${m}`);
    this.nf = (value >>> 31) & 1;
    this.zf = (value >>> 30) & 1;
    this.cf = (value >>> 29) & 1;
    this.vf = (value >>> 28) & 1;
    this.daif = (value >>> 6) & 0xf;
    this.switchMode(m >>> 2, m & 1);
    this.eventCheck = true;
  }

  /** Move to exception level `el` with stack-pointer selection `spsel`, banking SP. */
  switchMode(el: number, spsel: number): void {
    const oldSlot = this.spsel === 0 ? Reg.SP_EL0 : Reg.SP_EL1;
    this.sys[oldSlot * 2] = this.x[64]!;
    this.sys[oldSlot * 2 + 1] = this.x[65]!;
    if (this.el !== el) this.fetchTagLo = 1;
    this.el = el;
    this.spsel = el === 0 ? 0 : spsel;
    const newSlot = this.spsel === 0 ? Reg.SP_EL0 : Reg.SP_EL1;
    this.x[64] = this.sys[newSlot * 2]!;
    this.x[65] = this.sys[newSlot * 2 + 1]!;
  }

  /** Copy the current SP into its banked slot (before reading SP_EL0/SP_EL1 as registers). */
  syncSp(): void {
    const slot = this.spsel === 0 ? Reg.SP_EL0 : Reg.SP_EL1;
    this.sys[slot * 2] = this.x[64]!;
    this.sys[slot * 2 + 1] = this.x[65]!;
  }

  /** Reload the current SP from its banked slot (after writing SP_EL0/SP_EL1 as registers). */
  reloadSp(): void {
    const slot = this.spsel === 0 ? Reg.SP_EL0 : Reg.SP_EL1;
    this.x[64] = this.sys[slot * 2]!;
    this.x[65] = this.sys[slot * 2 + 1]!;
  }

  /** HCR_EL2 low half (all the bits the emulator honours live there). */
  hcr(): number {
    return this.sys[Reg.HCR_EL2 * 2]!;
  }

  // ---- host control ------------------------------------------------------------------------

  /** Drop every cached translation (after a stage-2 change, or on a TLBI). */
  invalidateStage2(): void {
    this.flushTlb();
  }

  /** Drop every cached translation and the instruction-fetch page. */
  flushTlb(): void {
    this.tlb.flush();
    this.fetchTagLo = 1;
    this.alignCheck = (this.sys[Reg.SCTLR_EL1 * 2]! & 2) !== 0;
  }

  /** An interrupt is pending (masked or not): what wakes a WFI. */
  interruptPending(): boolean {
    const hcr = this.hcr();
    return (
      this.irqInput ||
      this.fiqInput ||
      ((hcr & Hcr.IMO) !== 0 && ((hcr & Hcr.VI) !== 0 || this.gic.virtualIrqPending())) ||
      ((hcr & Hcr.FMO) !== 0 && (hcr & Hcr.VF) !== 0)
    );
  }

  /** Advance the instruction clock to the next timer deadline (a host's idle loop). */
  skipToTimerDeadline(): boolean {
    const deadline = this.timer.nextDeadline(this);
    if (!Number.isFinite(deadline)) return false;
    if (deadline > this.instret) this.instret = deadline;
    this.eventCheck = true;
    return true;
  }

  /** Called after a change to translation or trap controls: caches and interrupt state. */
  systemChanged(): void {
    this.flushTlb();
    this.eventCheck = true;
  }

  /** Drive the physical IRQ input (routed to EL2 when HCR_EL2.IMO is set). */
  setIrq(level: boolean): void {
    this.irqInput = level;
    this.eventCheck = true;
  }

  /** Drive the physical FIQ input (routed to EL2 when HCR_EL2.FMO is set). */
  setFiq(level: boolean): void {
    this.fiqInput = level;
    this.eventCheck = true;
  }

  /** Choose the output lines ({@link IrqLine} bits) whose level changes end `run`. */
  watchLines(mask: number): void {
    this.watched = mask;
    this.eventCheck = true;
  }

  /** Current levels of the output lines ({@link IrqLine} bits). */
  lines(): number {
    return this.timer.lines(this) | (this.gic.maintenance() ? 4 : 0);
  }

  /** Clear the exclusive monitor (another agent wrote the monitored location). */
  clearExclusive(): void {
    this.exclusiveArmed = false;
  }

  // ---- execution ---------------------------------------------------------------------------

  /**
   * Execute up to `budget` instructions, or until an exit the host must see.
   * Never throws for anything the guest does.
   */
  run(budget: number): Exit {
    const exit = this.exit;
    exit.reason = "budget";
    exit.esr = 0;
    exit.far = 0n;
    exit.ipa = 0;
    exit.hpfar = 0;
    this.exitPending = false;
    let retired = 0;
    this.eventCheck = true;
    while (retired < budget) {
      if (this.eventCheck) {
        this.eventCheck = false;
        if (this.handleEvents()) break;
      }
      let chunk = budget - retired;
      const deadline = this.timer.nextDeadline(this);
      const untilTimer = deadline - this.instret;
      if (untilTimer < chunk) chunk = Math.max(untilTimer, 1);
      const n = this.runChunk(chunk);
      retired += n;
      this.instret += n;
      if (this.instret >= deadline) this.eventCheck = true;
      if (this.exitPending) break;
    }
    // A line that changed on the last instruction is reported now rather than on the next call.
    if (!this.exitPending && exit.reason === "budget" && this.eventCheck) {
      this.eventCheck = false;
      this.handleEvents();
    }
    exit.lines = this.lines();
    exit.instructions = retired;
    return exit;
  }

  /** Step `chunk` instructions; returns how many retired. */
  private runChunk(chunk: number): number {
    let n = 0;
    try {
      while (n < chunk) {
        const lo = this.pcLo;
        this.curLo = lo;
        this.curHi = this.pcHi;
        let insn: number;
        if ((lo & -4096) === this.fetchTagLo && this.pcHi === this.fetchTagHi) {
          insn = this.fetchWords[(lo & 0xfff) >>> 2]!;
        } else {
          insn = fetchSlow(this);
        }
        this.insn = insn;
        const next = (lo + 4) | 0;
        this.pcLo = next;
        if (next === 0) this.pcHi = (this.pcHi + 1) | 0;
        execute(this, insn);
        n++;
        if (this.eventCheck) break;
      }
    } catch (e) {
      if (e !== this.signal) throw e;
      // An exception taken inside the guest consumes one step of the budget (so a guest stuck
      // in an exception loop still returns); an exit to the host retires only what completed
      // (SVC/HVC/WFI), not a faulting or trapped instruction.
      if (!this.exitPending || this.retireOnException) n++;
      this.retireOnException = 0;
    }
    return n;
  }

  /** Look at timers, output lines and interrupt inputs; true when `run` must return. */
  private handleEvents(): boolean {
    const lines = this.lines();
    if ((lines ^ this.lastLines) & this.watched) {
      this.lastLines = lines;
      this.exit.reason = "irq-line";
      return true;
    }
    this.lastLines = lines;
    const hcr = this.hcr();
    if (this.irqInput) {
      if (hcr & Hcr.IMO) {
        this.exit.reason = "irq";
        return true;
      }
      if (!(this.daif & 2)) {
        this.takeInterrupt(ExceptionVector.Irq);
        return false;
      }
    }
    if (this.fiqInput) {
      if (hcr & Hcr.FMO) {
        this.exit.reason = "irq";
        return true;
      }
      if (!(this.daif & 1)) {
        this.takeInterrupt(ExceptionVector.Fiq);
        return false;
      }
    }
    if (hcr & Hcr.IMO && !(this.daif & 2) && (hcr & Hcr.VI || this.gic.virtualIrqPending())) {
      this.takeInterrupt(ExceptionVector.Irq);
      return false;
    }
    if (hcr & Hcr.FMO && !(this.daif & 1) && hcr & Hcr.VF) {
      this.takeInterrupt(ExceptionVector.Fiq);
      return false;
    }
    return false;
  }

  /** Take an asynchronous exception to EL1 before the instruction at PC. */
  private takeInterrupt(vector: number): void {
    this.curLo = this.pcLo;
    this.curHi = this.pcHi;
    enterException(this, vector, 0, this.pcLo, this.pcHi);
    this.eventCheck = true;
  }

  // ---- memory --------------------------------------------------------------------------------

  /** Load a byte (zero-extended) through TLB set `set` (0/1 = read at EL0/EL1). */
  ld8(lo: number, hi: number, set: number): number {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi) {
      return t.view[i]!.getUint8(t.base[i]! + (lo & 0xfff));
    }
    return accessSlow(this, lo, hi, 1, set, 0, 0);
  }

  /** Load a halfword (zero-extended). */
  ld16(lo: number, hi: number, set: number): number {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi && (lo & 0xfff) <= 0xffe) {
      return t.view[i]!.getUint16(t.base[i]! + (lo & 0xfff), true);
    }
    return accessSlow(this, lo, hi, 2, set, 0, 0);
  }

  /** Load a word (as a signed int32). */
  ld32(lo: number, hi: number, set: number): number {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi && (lo & 0xfff) <= 0xffc) {
      return t.view[i]!.getInt32(t.base[i]! + (lo & 0xfff), true);
    }
    return accessSlow(this, lo, hi, 4, set, 0, 0);
  }

  /** Load a doubleword: returns the low half, the high half is left in `rhi`. */
  ld64(lo: number, hi: number, set: number): number {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi && (lo & 0xfff) <= 0xff8) {
      const v = t.view[i]!;
      const p = t.base[i]! + (lo & 0xfff);
      this.rhi = v.getInt32(p + 4, true);
      return v.getInt32(p, true);
    }
    return accessSlow(this, lo, hi, 8, set, 0, 0);
  }

  /** Store a byte through TLB set `set` (2/3 = write at EL0/EL1). */
  st8(lo: number, hi: number, set: number, value: number): void {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi) {
      t.view[i]!.setUint8(t.base[i]! + (lo & 0xfff), value);
      return;
    }
    accessSlow(this, lo, hi, 1, set, value, 0);
  }

  /** Store a halfword. */
  st16(lo: number, hi: number, set: number, value: number): void {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi && (lo & 0xfff) <= 0xffe) {
      t.view[i]!.setUint16(t.base[i]! + (lo & 0xfff), value, true);
      return;
    }
    accessSlow(this, lo, hi, 2, set, value, 0);
  }

  /** Store a word. */
  st32(lo: number, hi: number, set: number, value: number): void {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi && (lo & 0xfff) <= 0xffc) {
      t.view[i]!.setInt32(t.base[i]! + (lo & 0xfff), value, true);
      return;
    }
    accessSlow(this, lo, hi, 4, set, value, 0);
  }

  /** Store a doubleword given as halves. */
  st64(lo: number, hi: number, set: number, vlo: number, vhi: number): void {
    const t = this.tlb;
    const i = set * TLB_SIZE + ((lo >>> 12) & TLB_MASK);
    if (t.tagLo[i] === (lo & -4096) && t.tagHi[i] === hi && (lo & 0xfff) <= 0xff8) {
      const v = t.view[i]!;
      const p = t.base[i]! + (lo & 0xfff);
      v.setInt32(p, vlo, true);
      v.setInt32(p + 4, vhi, true);
      return;
    }
    accessSlow(this, lo, hi, 8, set, vlo, vhi);
  }

  // ---- state ---------------------------------------------------------------------------------

  /** Save the complete architectural state. */
  saveState(): CpuState {
    this.syncSp();
    const sysregs: Record<string, bigint> = {};
    for (let i = 0; i < REG_COUNT; i++) sysregs[REG_NAMES[i]!] = this.getSys(i);
    const v: bigint[] = [];
    for (let i = 0; i < 32; i++) {
      let value = 0n;
      for (let b = 15; b >= 0; b--) value = (value << 8n) | BigInt(this.vb[i * 16 + b]!);
      v.push(value);
    }
    return {
      x: Array.from({ length: 31 }, (_, i) => this.getX(i)),
      pc: this.getPc(),
      pstate: this.getPstate(),
      sysregs,
      v,
      fpcr: this.fpcr,
      fpsr: this.fpsr,
      instret: this.instret,
      gic: this.gic.save(),
    };
  }

  /** Restore a state saved by {@link Aarch64Cpu.saveState} (missing system registers keep their values). */
  loadState(state: CpuState): void {
    for (let i = 0; i < 31; i++) this.setX(i, state.x[i] ?? 0n);
    for (let i = 0; i < REG_COUNT; i++) {
      const value = state.sysregs[REG_NAMES[i]!];
      if (value !== undefined) this.setSys(i, value);
    }
    // Select the mode without banking the stale current SP over the loaded slots.
    const m = state.pstate & 0x1f;
    if (m !== 0 && m !== 4 && m !== 5) throw new RangeError(`unsupported PSTATE mode ${m}`);
    this.el = m >>> 2;
    this.spsel = m & 1;
    this.reloadSp();
    this.setPstate(state.pstate);
    this.setPc(state.pc);
    for (let i = 0; i < 32; i++) {
      let value = state.v[i] ?? 0n;
      for (let b = 0; b < 16; b++) {
        this.vb[i * 16 + b] = Number(value & 0xffn);
        value >>= 8n;
      }
    }
    this.fpcr = state.fpcr >>> 0;
    this.fpsr = state.fpsr >>> 0;
    this.instret = state.instret;
    this.gic.load(state.gic);
    this.exclusiveArmed = false;
    this.systemChanged();
  }
}
