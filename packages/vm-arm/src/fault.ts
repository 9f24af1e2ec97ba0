/**
 * The per-vCPU fault object (`fault_t` of `arch/arm/fault.c`): the fault a vCPU is blocked on,
 * its lazily loaded registers, and the saved reply capability that resumes it. Data aborts are
 * emulated with zero/sign extension into W or X registers (C bug A1); aborts without a valid
 * syndrome are decoded from the instruction (C bug A2), pairs in two stages, with base-register
 * writeback.
 */
import {
  type Sel4_AArch64,
  seL4_MessageInfo_new,
  seL4_NoError,
  type seL4_UserContext_aarch64,
  seL4_UserContext_aarch64_fields,
  seL4_VCPUReg_SP_EL1,
  type seL4_Word,
} from "@sel4/sel4";
import type { cspacepath_t } from "@sel4/vka";
import type { vm_vcpu_t } from "@sel4/vm";
import { decode_load_store, type LoadStoreInsn, load_store_address } from "./decode.js";
import { decode_data_abort_syndrome, load_result, width_mask } from "./syndrome.js";

/** Kind of the pending fault. */
export type ArmFaultType = "data" | "prefetch" | "vcpu" | "syscall";

const MASK64 = (1n << 64n) - 1n;
const NUM_REGS = seL4_UserContext_aarch64_fields.length;

/** One memory transfer of the faulting instruction. */
export interface Transfer {
  /** Guest-physical address of the transfer. */
  readonly addr: number;
  /** Register transferred (31 is XZR). */
  readonly rt: number;
}

/** Why a fault could not be set up. */
export type FaultSetupError = "no_reply_slot" | "undecodable" | "registers";

/** The memory transfers of a decoded instruction and its base-register writeback. */
export interface AccessPlan {
  /** Each transfer: guest-physical address and register, in order. */
  readonly transfers: readonly Transfer[];
  /** New value of the base register, or null. */
  readonly writeback: { readonly rn: number; readonly value: bigint } | null;
}

/**
 * Plans the transfers of `insn` whose abort reported IPA `ipa`, given its base and index register
 * values. The IPA shares its page offset with the first transfer's virtual address; an abort on
 * the second register of a pair (the first half hit ordinary memory) is refused (null) rather
 * than half emulated.
 */
export function plan_access(
  insn: LoadStoreInsn,
  ipa: number,
  base: bigint,
  rm: bigint,
): AccessPlan | null {
  const { address, writeback } = load_store_address(insn, base, rm);
  if (Number(address & 0xfffn) !== ipa % 0x1000) return null;
  const transfers = [{ addr: ipa, rt: insn.rt }];
  if (insn.rt2 !== null) transfers.push({ addr: ipa + insn.size, rt: insn.rt2 });
  return { transfers, writeback: writeback === null ? null : { rn: insn.rn, value: writeback } };
}

/**
 * The registers after an emulated access: loaded values into their registers (XZR discards),
 * base writeback (SP is SP_EL1, a VCPU register, at EL1h: returned as `sp_el1`), and the PC past
 * the instruction at `ip` (null: PC unchanged).
 */
export function commit_access(
  regs: seL4_UserContext_aarch64,
  loaded: readonly { readonly rt: number; readonly value: bigint }[],
  writeback: { readonly rn: number; readonly value: bigint } | null,
  el1h: boolean,
  ip: bigint | null,
): { readonly regs: seL4_UserContext_aarch64; readonly sp_el1: bigint | null } {
  const out = { ...regs } as Record<string, bigint>;
  let sp_el1: bigint | null = null;
  if (writeback !== null) {
    if (writeback.rn !== 31) out[`x${writeback.rn}`] = writeback.value;
    else if (el1h) sp_el1 = writeback.value;
    else out.sp = writeback.value;
  }
  for (const { rt, value } of loaded) if (rt !== 31) out[`x${rt}`] = value;
  if (ip !== null) out.pc = (ip + 4n) & MASK64;
  return { regs: out as seL4_UserContext_aarch64, sp_el1 };
}

/** The fault state of one vCPU. */
export class ArmFault {
  /** The vCPU. */
  readonly vcpu: vm_vcpu_t;
  /** Slot where the reply capability of the current fault is saved. */
  readonly reply: cspacepath_t;
  /** Kind of the current fault. */
  type: ArmFaultType = "vcpu";
  /** Guest-physical address of the current transfer. */
  addr = 0;
  /** Guest PC of the faulting instruction. */
  ip = 0n;
  /** ESR of the fault. */
  fsr = 0;
  /** Remaining stages; 0 = handled (the vCPU was resumed or abandoned). */
  stage = 0;
  /** Read: the aligned-word value the device returned; write: unused. */
  data = 0n;
  /** Access width in bytes (0 for instruction and vCPU faults). */
  size = 0;
  /** Loads: sign-extend. */
  signExtend = false;
  /** Loads: X destination. */
  sixtyFour = true;
  /** A store. */
  write = false;
  /** Called when a multi-stage access moves to its next transfer (set by the abort handler). */
  on_next_stage: (() => void) | null = null;
  #regs: seL4_UserContext_aarch64 | null = null;
  #transfers: Transfer[] = [];
  #loaded: { rt: number; value: bigint }[] = [];
  #writeback: { rn: number; value: bigint } | null = null;

  /** Creates the fault object of `vcpu` with its reply slot. */
  constructor(vcpu: vm_vcpu_t, reply: cspacepath_t) {
    this.vcpu = vcpu;
    this.reply = reply;
  }

  get #sel4(): Sel4_AArch64 {
    return this.vcpu.vm.sel4 as Sel4_AArch64;
  }

  /** Whether the fault has been completed (`fault_handled`). */
  get handled(): boolean {
    return this.stage === 0;
  }

  #saveCaller(): boolean {
    const r = this.reply;
    return this.#sel4.seL4_CNode_SaveCaller(r.root, r.capPtr, r.capDepth) === seL4_NoError;
  }

  #reset(type: ArmFaultType, ip: bigint, fsr: number): void {
    this.type = type;
    this.ip = ip & MASK64;
    this.fsr = fsr >>> 0;
    this.data = 0n;
    this.size = 0;
    this.addr = 0;
    this.write = false;
    this.signExtend = false;
    this.sixtyFour = true;
    this.#regs = null;
    this.#transfers = [];
    this.#loaded = [];
    this.#writeback = null;
    this.on_next_stage = null;
  }

  /**
   * Takes a VMFault (`new_memory_fault`): decodes the access from the syndrome or, without ISV,
   * from the instruction at `ip` read through `fetch`. Saves the reply capability.
   */
  new_memory_fault(
    ip: bigint,
    addr: number,
    prefetch: boolean,
    fsr: number,
    fetch: (ip: bigint) => number | null,
  ): FaultSetupError | null {
    this.#reset(prefetch ? "prefetch" : "data", ip, fsr);
    this.addr = addr;
    if (!this.#saveCaller()) return "no_reply_slot";
    this.stage = 1;
    if (prefetch) return null;
    const s = decode_data_abort_syndrome(fsr);
    if (s.isv) {
      this.size = s.size;
      this.signExtend = s.signExtend;
      this.sixtyFour = s.sixtyFour;
      this.write = s.write;
      this.#transfers = [{ addr, rt: s.rt }];
      return null;
    }
    const word = fetch(this.ip);
    const insn = word === null ? null : decode_load_store(word);
    if (insn === null) return "undecodable";
    return this.#planTransfers(insn, addr);
  }

  #planTransfers(insn: LoadStoreInsn, ipa: number): FaultSetupError | null {
    const regs = this.get_regs();
    if (regs === null) return "registers";
    const base = insn.rn === 31 ? this.#sp(regs) : this.#reg(regs, insn.rn);
    if (base === null) return "registers";
    const rm = insn.index === null ? 0n : (this.#reg(regs, insn.index.rm) ?? 0n);
    const plan = plan_access(insn, ipa, base, rm);
    if (plan === null) return "undecodable";
    this.size = insn.size;
    this.signExtend = insn.signExtend;
    this.sixtyFour = insn.sixtyFour;
    this.write = !insn.load;
    this.#transfers = [...plan.transfers];
    this.stage = this.#transfers.length;
    this.addr = this.#transfers[0]!.addr;
    this.#writeback = plan.writeback;
    return null;
  }

  /**
   * Takes a VCPUFault (`new_vcpu_fault`; `ip` is read from the registers) or an UnknownSyscall
   * (guest HVC; `ip` is the message's FaultIP) and saves the reply cap.
   */
  new_vcpu_fault(type: "vcpu" | "syscall", ip: bigint | null, hsr: number): FaultSetupError | null {
    this.#reset(type, ip ?? 0n, hsr);
    if (!this.#saveCaller()) return "no_reply_slot";
    this.stage = 1;
    if (ip === null) {
      const regs = this.get_regs();
      if (regs === null) return "registers";
      this.ip = regs.pc;
    }
    return null;
  }

  /** The guest registers (cached; loaded from the TCB on first use), or null on a kernel error. */
  get_regs(): seL4_UserContext_aarch64 | null {
    if (this.#regs === null) {
      const r = this.#sel4.seL4_TCB_ReadRegisters(this.vcpu.tcb.tcb.cptr, false, 0, NUM_REGS);
      if (r.error !== seL4_NoError) return null;
      this.#regs = { ...r.regs };
      if (this.type === "syscall") this.#regs.pc = this.ip;
    }
    return this.#regs;
  }

  /** Replaces cached registers; written back by `advance`, discarded by `restart` (C quirk A4). */
  set_regs(regs: seL4_UserContext_aarch64): void {
    this.#regs = { ...regs };
  }

  #reg(regs: seL4_UserContext_aarch64, n: number): bigint | null {
    if (n === 31) return 0n;
    return (regs as Record<string, bigint>)[`x${n}`] ?? null;
  }

  #sp(regs: seL4_UserContext_aarch64): bigint | null {
    // EL1h uses SP_EL1 (a VCPU register); EL1t and EL0 use SP_EL0 (the context's sp).
    if ((regs.spsr & 0xfn) !== 0x5n) return regs.sp;
    const r = this.#sel4.seL4_ARM_VCPU_ReadRegs(this.vcpu.vcpu.cptr, seL4_VCPUReg_SP_EL1);
    return r.error === seL4_NoError ? r.value : null;
  }

  /** For a store: the value written, truncated to the access width; for a load: the set data. */
  get_data(): bigint {
    if (!this.write) return this.data;
    const t = this.#transfers[0];
    const regs = this.get_regs();
    if (t === undefined || regs === null) return 0n;
    return (this.#reg(regs, t.rt) ?? 0n) & width_mask(this.size);
  }

  /** The access-width mask shifted to the byte lane (`get_vcpu_fault_data_mask`). */
  get_data_mask(): bigint {
    const shift = this.size >= 8 ? 0n : BigInt((this.addr & 3) * 8);
    return (width_mask(this.size) << shift) & MASK64;
  }

  /**
   * Completes the current transfer (`advance_fault`): a load's value goes to its register; with
   * more transfers left the next one is dispatched, else the PC moves on, writeback applies,
   * registers are written and the vCPU resumes. Returns 0, or -1 on a kernel error.
   */
  advance(): number {
    if (this.stage <= 0) return -1;
    const t = this.#transfers.shift();
    if (t !== undefined && !this.write && this.type === "data") {
      this.#loaded.push({
        rt: t.rt,
        value: load_result(this.data, this.addr, this.size, this.signExtend, this.sixtyFour),
      });
    }
    this.stage--;
    if (this.stage > 0 && this.#transfers.length > 0) {
      this.addr = this.#transfers[0]!.addr;
      this.data = 0n;
      this.on_next_stage?.();
      return 0;
    }
    return this.#finish(true);
  }

  /** Skips the instruction without touching registers (`ignore_fault`). 0 or -1. */
  ignore(): number {
    if (this.stage <= 0) return -1;
    this.#loaded = [];
    this.#writeback = null;
    return this.#finish(true);
  }

  /** Resumes the vCPU at the same instruction, registers unchanged (`restart_fault`). 0 or -1. */
  restart(): number {
    if (this.stage <= 0) return -1;
    this.stage = 0;
    return this.#reply();
  }

  /**
   * Gives up on the fault without resuming the vCPU (`abandon_fault`). The saved reply capability
   * is deleted, so the slot is free for the vCPU's next fault (for example after PSCI CPU_OFF and
   * a later CPU_ON).
   */
  abandon(): void {
    if (this.stage === 0) return;
    this.stage = 0;
    const r = this.reply;
    this.#sel4.seL4_CNode_Delete(r.root, r.capPtr, r.capDepth);
  }

  #finish(step: boolean): number {
    this.stage = 0;
    const regs = this.get_regs();
    if (regs === null) return -1;
    const el1h = (regs.spsr & 0xfn) === 0x5n;
    const done = commit_access(regs, this.#loaded, this.#writeback, el1h, step ? this.ip : null);
    if (done.sp_el1 !== null) {
      const e = this.#sel4.seL4_ARM_VCPU_WriteRegs(
        this.vcpu.vcpu.cptr,
        seL4_VCPUReg_SP_EL1,
        done.sp_el1,
      );
      if (e !== seL4_NoError) return -1;
    }
    const err = this.#sel4.seL4_TCB_WriteRegisters(
      this.vcpu.tcb.tcb.cptr,
      false,
      0,
      NUM_REGS,
      done.regs,
    );
    if (err !== seL4_NoError) return -1;
    return this.#reply();
  }

  #reply(): number {
    this.#sel4.seL4_NBSend(this.reply.capPtr, seL4_MessageInfo_new(0, 0, 0, 0));
    return 0;
  }

  /** The data word to store for a read (`set_vcpu_fault_data`). */
  set_data(data: seL4_Word): void {
    this.data = data & MASK64;
  }
}
