import { DecodedCache, newInstruction } from "./decode/cache.js";
import { decode } from "./decode/decoder.js";
import { Instruction } from "./decode/instruction.js";
import { GuestFault, Vector, VmExitSignal } from "./faults.js";
import { FLAGS_NONE, type FlagState, IF, readEflags, TF, writeEflags } from "./flags.js";
import { FpuState } from "./fpu.js";
import { deliverFault, injectEntryEvent } from "./interrupts.js";
import type { GuestPhysicalMemory } from "./memory.js";
import { bindHandler, type Handler } from "./ops/execute.js";
import {
  ACCESS_EXECUTE,
  ACCESS_READ,
  ACCESS_WRITE,
  physicalAccess,
  translateLinear,
} from "./paging.js";
import { CR0_ET, CR0_PE, CS, LDTR, SS, TR } from "./registers.js";
import { ActivityState, ExitReason, Interruptibility, PrimaryControl } from "./vmcs.js";
import { recordExit } from "./vmexit.js";

const INTERRUPT_WINDOW_EXITING = PrimaryControl.INTERRUPT_WINDOW_EXITING;

/**
 * The CPU state and the memory path. Instruction semantics live in ops/, translation in
 * paging.ts, event delivery in interrupts.ts and VM-exit plumbing in vmexit.ts; all of them
 * work on this object.
 */
export class CpuCore implements FlagState {
  readonly ram: Uint8Array;
  readonly view: DataView;
  readonly regs = new Int32Array(8);
  /** Pages with cached decodings (writes there must drop them). */
  readonly codePages: Uint8Array;
  eip = 0;
  readonly segSel = new Int32Array(8);
  readonly segBase = new Int32Array(8);
  readonly segLimit = new Int32Array(8);
  /** Access rights in the VMCS format (type, S, DPL, P, AVL, L, D/B, G, unusable). */
  readonly segAr = new Int32Array(8);
  gdtrBase = 0;
  gdtrLimit = 0;
  idtrBase = 0;
  idtrLimit = 0;
  cr0 = CR0_ET;
  cr2 = 0;
  /** Faulting linear address of a #PF not yet delivered (CR2 is written on delivery). */
  cr2Pending = 0;
  cr3 = 0;
  cr4 = 0;
  readonly dr = new Int32Array(8);
  cpl = 0;
  /** 0 for supervisor accesses, 1 when CPL is 3 (shifts the TLB permission bits). */
  userBit = 0;
  /** CS.D: default operand and address size 32. */
  code32 = true;
  /** SS.B: 32-bit stack pointer. */
  stack32 = true;

  fKind = FLAGS_NONE;
  fOp1 = 0;
  fOp2 = 0;
  fRes = 0;
  fWidth = 32;
  fStored = 2;

  /** Linear page -> ram offset | permission bits (paging.ts); 0 = not cached. */
  readonly tlb = new Int32Array(1 << 20);
  readonly tlbFilled = new Int32Array(8192);
  tlbCount = 0;
  /** Guest-physical frame -> host EPT answer, valid where eptValid is 1. */
  readonly eptCache = new Int32Array(1 << 20);
  readonly eptValid = new Uint8Array(1 << 20);
  /** Set during the read of a read-modify-write instruction (see readForWrite). */
  rmw = false;
  /** Guest-physical address of the last MMIO translation (translateLinear returned -1). */
  mmioAddress = 0;

  /** The instruction being executed (exits read its length). */
  insn = new Instruction();
  /** Scratch record for instructions that are not cached (page-crossing, 16-bit code). */
  private readonly scratch = this.insn;
  readonly decoded: DecodedCache;
  /** EIP of the instruction being executed (faults restart here). */
  instructionStart = 0;
  /** Steps of the current run chunk (see run); the clock is clockBase + retired. */
  retired = 0;
  /** Steps of all finished chunks. */
  clockBase = 0;
  tscOffset = 0;
  /** Clock value at which the current run ends (REP loops stop early to honour it). */
  stopAt = 0;
  readonly fpu = new FpuState();

  // VMX controls and guest non-register state.
  pinControls = 0;
  primaryControls = 0;
  exceptionBitmap = 0;
  cr0Mask = 0;
  cr4Mask = 0;
  cr0Shadow = 0;
  cr4Shadow = 0;
  entryInterruptionInfo = 0;
  entryErrorCode = 0;
  entryInstructionLength = 0;
  interruptibility = 0;
  activity: number = ActivityState.ACTIVE;
  ioBitmap: Uint8Array | null = null;
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;

  // Exit information (read-only VMCS data fields).
  exitReason = 0;
  exitQualification = 0;
  exitInstructionLength = 0;
  exitGuestPhysical = 0;
  exitGuestLinear = 0;
  exitInterruptInfo = 0;
  exitInterruptError = 0;
  idtVectoringInfo = 0;
  idtVectoringError = 0;
  /** Event being delivered (interruption-information format) or 0: for #DF and IDT-vectoring. */
  delivering = 0;
  deliveringError = 0;

  constructor(readonly memory: GuestPhysicalMemory) {
    this.ram = memory.ram;
    this.view = new DataView(memory.ram.buffer, memory.ram.byteOffset, memory.ram.byteLength);
    this.decoded = new DecodedCache(memory.ram.length);
    this.codePages = this.decoded.codePages;
    for (let s = 0; s < 8; s++) {
      this.segLimit[s] = 0xffff;
      this.segAr[s] = 0x93;
    }
    this.segAr[CS] = 0x9b;
    this.segAr[LDTR] = 0x82;
    this.segAr[TR] = 0x8b;
    this.code32 = false;
    this.stack32 = false;
    this.idtrLimit = 0x3ff;
    this.gdtrLimit = 0xffff;
  }

  // ---- flags -------------------------------------------------------------------------------

  getEflags(): number {
    return readEflags(this);
  }

  setEflags(value: number): void {
    writeEflags(this, value);
  }

  // ---- registers ---------------------------------------------------------------------------

  getReg8(r: number): number {
    return r < 4 ? this.regs[r]! & 0xff : (this.regs[r - 4]! >> 8) & 0xff;
  }

  setReg8(r: number, v: number): void {
    if (r < 4) this.regs[r] = (this.regs[r]! & ~0xff) | (v & 0xff);
    else this.regs[r - 4] = (this.regs[r - 4]! & ~0xff00) | ((v & 0xff) << 8);
  }

  getReg(r: number, width: number): number {
    if (width === 32) return this.regs[r]!;
    if (width === 16) return this.regs[r]! & 0xffff;
    return this.getReg8(r);
  }

  setReg(r: number, width: number, v: number): void {
    if (width === 32) this.regs[r] = v;
    else if (width === 16) this.regs[r] = (this.regs[r]! & ~0xffff) | (v & 0xffff);
    else this.setReg8(r, v);
  }

  // ---- linear memory -----------------------------------------------------------------------

  read8(lin: number): number {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (1 << this.userBit)) !== 0) return this.ram[(e & ~0xfff) + (lin & 0xfff)]!;
    return this.readSlow(lin, 1);
  }

  read16(lin: number): number {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (1 << this.userBit)) !== 0 && (lin & 0xfff) <= 0xffe)
      return this.view.getUint16((e & ~0xfff) + (lin & 0xfff), true);
    return this.readSlow(lin, 2);
  }

  read32(lin: number): number {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (1 << this.userBit)) !== 0 && (lin & 0xfff) <= 0xffc)
      return this.view.getInt32((e & ~0xfff) + (lin & 0xfff), true);
    return this.readSlow(lin, 4) | 0;
  }

  write8(lin: number, v: number): void {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (4 << this.userBit)) !== 0 && this.codePages[e >>> 12] === 0)
      this.ram[(e & ~0xfff) + (lin & 0xfff)] = v;
    else this.writeSlow(lin, 1, v);
  }

  write16(lin: number, v: number): void {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (4 << this.userBit)) !== 0 && (lin & 0xfff) <= 0xffe && this.codePages[e >>> 12] === 0)
      this.view.setUint16((e & ~0xfff) + (lin & 0xfff), v, true);
    else this.writeSlow(lin, 2, v);
  }

  write32(lin: number, v: number): void {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (4 << this.userBit)) !== 0 && (lin & 0xfff) <= 0xffc && this.codePages[e >>> 12] === 0)
      this.view.setInt32((e & ~0xfff) + (lin & 0xfff), v, true);
    else this.writeSlow(lin, 4, v);
  }

  /** A RAM write at host index `host` drops cached decodings of its page. */
  noteRamWrite(host: number): void {
    const page = host >>> 12;
    if (this.codePages[page] !== 0) this.decoded.invalidatePage(page);
  }

  /** Reads `width` bits (8, 16 or 32); 32-bit values come back as int32. */
  readW(lin: number, width: number): number {
    if (width === 32) return this.read32(lin);
    if (width === 16) return this.read16(lin);
    return this.read8(lin);
  }

  writeW(lin: number, width: number, v: number): void {
    if (width === 32) this.write32(lin, v);
    else if (width === 16) this.write16(lin, v);
    else this.write8(lin, v);
  }

  /**
   * The read of a read-modify-write instruction: an EPT violation on it reports a read and a
   * write, as VT-x does for such instructions.
   */
  readForWrite(lin: number, width: number): number {
    this.rmw = true;
    const v = this.readW(lin, width);
    this.rmw = false;
    return v;
  }

  /** Code fetch (execute permission). */
  fetch8(lin: number): number {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (16 << this.userBit)) !== 0) return this.ram[(e & ~0xfff) + (lin & 0xfff)]!;
    const host = translateLinear(this, lin, ACCESS_EXECUTE);
    if (host < 0) return physicalAccess(this, this.mmioAddress, 1, ACCESS_EXECUTE, 0, lin);
    return this.ram[host]!;
  }

  codeWindow(lin: number): number {
    const e = this.tlb[lin >>> 12]!;
    if ((e & (16 << this.userBit)) === 0 || (lin & 0xfff) > 0xff0) return -1;
    return (e & ~0xfff) + (lin & 0xfff);
  }

  private readSlow(lin: number, size: number): number {
    if ((lin & 0xfff) + size > 0x1000) {
      translateLinear(this, lin, ACCESS_READ);
      translateLinear(this, (lin + size - 1) | 0, ACCESS_READ);
      let v = 0;
      for (let i = 0; i < size; i++) v |= this.readSlow((lin + i) | 0, 1) << (8 * i);
      return v;
    }
    const host = translateLinear(this, lin, ACCESS_READ);
    if (host < 0) return physicalAccess(this, this.mmioAddress, size, ACCESS_READ, 0, lin);
    if (size === 1) return this.ram[host]!;
    if (size === 2) return this.view.getUint16(host, true);
    return this.view.getInt32(host, true);
  }

  private writeSlow(lin: number, size: number, v: number): void {
    if ((lin & 0xfff) + size > 0x1000) {
      translateLinear(this, lin, ACCESS_WRITE);
      translateLinear(this, (lin + size - 1) | 0, ACCESS_WRITE);
      for (let i = 0; i < size; i++) this.writeSlow((lin + i) | 0, 1, v >>> (8 * i));
      return;
    }
    const host = translateLinear(this, lin, ACCESS_WRITE);
    if (host < 0) {
      physicalAccess(this, this.mmioAddress, size, ACCESS_WRITE, v, lin);
      return;
    }
    this.noteRamWrite(host);
    if (size === 1) this.ram[host] = v;
    else if (size === 2) this.view.setUint16(host, v, true);
    else this.view.setInt32(host, v, true);
  }

  /** Runs `fn` with supervisor access rights (descriptor tables, TSS, IDT are system accesses). */
  systemAccess<T>(fn: () => T): T {
    const saved = this.userBit;
    this.userBit = 0;
    try {
      return fn();
    } finally {
      this.userBit = saved;
    }
  }

  // ---- stack -------------------------------------------------------------------------------

  /** Pushes a 16- or 32-bit value (`width` in bits). ESP changes only after the write succeeds. */
  push(v: number, width: number): void {
    const esp = this.regs[4]!;
    const bytes = width >> 3;
    if (this.stack32) {
      const nsp = (esp - bytes) | 0;
      this.writeW((this.segBase[SS]! + nsp) | 0, width, v);
      this.regs[4] = nsp;
    } else {
      const nsp = (esp - bytes) & 0xffff;
      this.writeW((this.segBase[SS]! + nsp) | 0, width, v);
      this.regs[4] = (esp & ~0xffff) | nsp;
    }
  }

  /** Reads the stack slot `offset` bytes above ESP without popping it. */
  peek(offset: number, width: number): number {
    const sp = this.stack32 ? (this.regs[4]! + offset) | 0 : (this.regs[4]! + offset) & 0xffff;
    return this.readW((this.segBase[SS]! + sp) | 0, width);
  }

  /** Adds to ESP (or SP on a 16-bit stack). */
  adjustStack(bytes: number): void {
    const esp = this.regs[4]!;
    if (this.stack32) this.regs[4] = (esp + bytes) | 0;
    else this.regs[4] = (esp & ~0xffff) | ((esp + bytes) & 0xffff);
  }

  pop(width: number): number {
    const v = this.peek(0, width);
    this.adjustStack(width >> 3);
    return v;
  }

  // ---- addressing --------------------------------------------------------------------------

  /** The linear address of the ModRM memory operand (or moffs) of the current instruction. */
  effectiveAddress(insn: Instruction): number {
    let off = insn.disp;
    if (insn.base >= 0) off += this.regs[insn.base]!;
    if (insn.index >= 0) off += this.regs[insn.index]! << insn.scale;
    if (insn.adsize === 16) off &= 0xffff;
    return (this.segBase[insn.seg]! + off) | 0;
  }

  /** Offset part only (LEA). */
  effectiveOffset(insn: Instruction): number {
    let off = insn.disp;
    if (insn.base >= 0) off += this.regs[insn.base]!;
    if (insn.index >= 0) off += this.regs[insn.index]! << insn.scale;
    return insn.adsize === 16 ? off & 0xffff : off | 0;
  }

  readRM(insn: Instruction, width: number): number {
    if (insn.mod === 3) return this.getReg(insn.rm, width);
    return this.readW(this.effectiveAddress(insn), width);
  }

  writeRM(insn: Instruction, width: number, v: number): void {
    if (insn.mod === 3) this.setReg(insn.rm, width, v);
    else this.writeW(this.effectiveAddress(insn), width, v);
  }

  setCpl(cpl: number): void {
    if (cpl !== this.cpl) this.decoded.epoch++;
    this.cpl = cpl;
    this.userBit = cpl === 3 ? 1 : 0;
  }

  /** Protected mode (CR0.PE) and not virtual-8086. */
  get protectedMode(): boolean {
    return (this.cr0 & CR0_PE) !== 0;
  }

  /** Next EIP after the current instruction, wrapped to 16 bits in 16-bit code. */
  nextEip(): number {
    const next = (this.instructionStart + this.insn.length) | 0;
    return this.code32 ? next : next & 0xffff;
  }

  /** Jumps within the code segment (wrapping by operand size). */
  branch(target: number, opsize: number): void {
    this.eip = opsize === 16 ? target & 0xffff : target | 0;
  }

  // ---- the run loop ------------------------------------------------------------------------

  /** Runs until a VM exit; `budget` instructions at most (then a preemption-timer exit). */
  run(budget: number): void {
    // The host may have written guest RAM since the last exit: forget decoded code.
    this.decoded.flush();
    if (!this.enter()) return;
    // The hot counter stays a small integer (V8 keeps it unboxed): it counts within chunks of at
    // most 2^30 steps and is folded into clockBase between chunks.
    let remaining = budget;
    for (;;) {
      const chunk = Math.min(remaining, 0x3fffffff);
      this.retired = 0;
      this.stopAt = chunk;
      this.runChunk(chunk);
      this.clockBase += this.retired;
      remaining -= this.retired;
      this.retired = 0;
      this.stopAt = 0;
      if (this.exitReason !== ExitReason.VMX_TIMER || remaining <= 0) return;
    }
  }

  private runChunk(stopAt: number): void {
    for (;;) {
      try {
        this.loop(stopAt);
        return;
      } catch (e) {
        this.rmw = false;
        if (e instanceof VmExitSignal) return;
        if (!(e instanceof GuestFault)) throw e;
        this.eip = this.instructionStart;
        if (this.raise(e)) return;
        // Delivering the exception is one step of the clock (and of the budget), so single
        // stepping stops at the handler's first instruction as hardware and QEMU do.
        this.retired++;
      }
    }
  }

  /** Steps since the CPU was created (instructions executed, REP iterations, exceptions). */
  get clock(): number {
    return this.clockBase + this.retired;
  }

  /** VM entry: deliver the event in the entry interruption-information field. */
  private enter(): boolean {
    this.exitReason = -1;
    this.idtVectoringInfo = 0;
    if ((this.entryInterruptionInfo & 0x80000000) === 0) return true;
    this.instructionStart = this.eip;
    try {
      injectEntryEvent(this);
      return true;
    } catch (e) {
      if (e instanceof VmExitSignal) return false;
      if (!(e instanceof GuestFault)) throw e;
      return !this.raise(e);
    }
  }

  /** Delivers a fault; true when that ended in a VM exit. */
  private raise(fault: GuestFault): boolean {
    for (;;) {
      try {
        deliverFault(this, fault.vector, fault.errorCode);
        return false;
      } catch (e) {
        if (e instanceof VmExitSignal) return true;
        if (!(e instanceof GuestFault)) throw e;
        fault = e;
      }
    }
  }

  private loop(stopAt: number): void {
    const cache = this.decoded;
    const tlb = this.tlb;
    const segBase = this.segBase;
    let prev: Instruction | null = null;
    for (;;) {
      if (this.retired >= stopAt) {
        recordExit(this, ExitReason.VMX_TIMER, 0, 0);
        return;
      }
      if (
        (this.primaryControls & INTERRUPT_WINDOW_EXITING) !== 0 &&
        (this.fStored & IF) !== 0 &&
        (this.interruptibility & 3) === 0
      ) {
        recordExit(this, ExitReason.PENDING_INTERRUPT, 0, 0);
        return;
      }
      if (this.activity !== 0) {
        this.retired = stopAt;
        continue;
      }
      const eip = this.eip;
      this.instructionStart = eip;
      const shadow = this.interruptibility;
      const trap = this.fStored & TF;
      const lin = (segBase[CS]! + eip) | 0;
      let insn: Instruction | undefined;
      if (
        prev !== null &&
        prev.nextLinear === lin &&
        prev.nextEpoch === cache.epoch &&
        prev.next !== null &&
        this.code32
      ) {
        // Straight from the previous instruction's link: no TLB or cache lookup.
        insn = prev.next;
        this.eip = (eip + insn.length) | 0;
        prev = insn;
      } else {
        const e = tlb[lin >>> 12]!;
        if ((e & (16 << this.userBit)) !== 0 && (lin & 0xfff) <= 0xff0 && this.code32) {
          const host = (e & ~0xfff) + (lin & 0xfff);
          insn = cache.lookup(host, true);
          if (insn === undefined) {
            insn = newInstruction();
            if (decode(this, insn, segBase[CS]!, eip, true) < 0) throw new GuestFault(Vector.GP, 0);
            bindHandler(insn);
            cache.store(host, insn);
          }
          if (prev !== null) {
            prev.next = insn;
            prev.nextLinear = lin;
            prev.nextEpoch = cache.epoch;
          }
          this.eip = (eip + insn.length) | 0;
          prev = insn;
        } else {
          insn = this.scratch;
          if (decode(this, insn, segBase[CS]!, eip, this.code32) < 0)
            throw new GuestFault(Vector.GP, 0);
          bindHandler(insn);
          this.eip = this.code32 ? (eip + insn.length) | 0 : (eip + insn.length) & 0xffff;
          prev = null;
        }
      }
      this.insn = insn;
      (insn.handler as Handler)(this, insn);
      this.retired++;
      if ((shadow | trap) !== 0) {
        if (shadow !== 0) this.interruptibility &= ~shadow;
        if (trap !== 0) {
          this.instructionStart = this.eip;
          deliverFault(this, Vector.DB, -1);
        }
      }
    }
  }

  /** Marks that the next instruction runs in an STI or MOV-SS interrupt shadow. */
  blockInterrupts(kind: number): void {
    this.interruptibility |= kind;
  }

  /** STI shadow constant for blockInterrupts. */
  static readonly STI_SHADOW = Interruptibility.BLOCKING_BY_STI;
}
