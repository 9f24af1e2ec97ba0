/**
 * The VMCS and register cache of one vCPU (`guest_state.h`): fields are read from the kernel at
 * most once per exit and written back only when changed, right before the next `seL4_VMEnter`.
 * RIP, the primary controls and the entry interruption information travel in MR0..2 instead.
 */
import type { Sel4_X86_64, seL4_CPtr } from "@sel4/sel4";

/** Indices of `seL4_VCPUContext` (`guest_x86_context`): the 32-bit guest GPRs the cache holds. */
export const VCPU_CONTEXT_EAX = 0;
/** EBX slot. */
export const VCPU_CONTEXT_EBX = 1;
/** ECX slot. */
export const VCPU_CONTEXT_ECX = 2;
/** EDX slot. */
export const VCPU_CONTEXT_EDX = 3;
/** ESI slot. */
export const VCPU_CONTEXT_ESI = 4;
/** EDI slot. */
export const VCPU_CONTEXT_EDI = 5;
/** EBP slot. */
export const VCPU_CONTEXT_EBP = 6;

/** `vcpu_context_reg_t`: a slot of the guest context, in `seL4_VCPUContext` order. */
export type vcpu_context_reg_t = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Error thrown when the cache is used against its rules (a programming error of the VMM). */
export class GuestStateError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "GuestStateError";
  }
}

/** The cache of one vCPU. */
export class GuestState {
  readonly #sel4: Sel4_X86_64;
  readonly #vcpu: seL4_CPtr;
  readonly #fields = new Map<number, { value: bigint; modified: boolean }>();
  #context: bigint[] | null = null;
  #contextModified = false;
  /** Guest RIP (MR0 of every entry and exit). */
  eip = 0n;
  /** Primary processor-based controls (MR1). */
  control_ppc = 0n;
  /** VM-entry interruption information (MR2). */
  control_entry = 0n;

  /** Creates an empty cache for the VCPU object `vcpu`. */
  constructor(sel4: Sel4_X86_64, vcpu: seL4_CPtr) {
    this.#sel4 = sel4;
    this.#vcpu = vcpu;
  }

  /** A VMCS field (read from the kernel if not cached); null if the kernel refuses it. */
  read(field: number): bigint | null {
    const c = this.#fields.get(field);
    if (c !== undefined) return c.value;
    const r = this.#sel4.seL4_X86_VCPU_ReadVMCS(this.#vcpu, field);
    if (r.error !== 0) return null;
    this.#fields.set(field, { value: r.value, modified: false });
    return r.value;
  }

  /** Sets a VMCS field in the cache; written to the kernel before the next entry. */
  write(field: number, value: bigint): void {
    this.#fields.set(field, { value: BigInt.asUintN(64, value), modified: true });
  }

  /** Marks a value known without a kernel call (from the exit message). */
  learn(field: number, value: bigint): void {
    const c = this.#fields.get(field);
    if (c?.modified) throw new GuestStateError(`VMCS field 0x${field.toString(16)} modified twice`);
    this.#fields.set(field, { value, modified: false });
  }

  /** The guest GPRs; null while unknown (they arrive only with an exit). */
  get context(): readonly bigint[] | null {
    return this.#context;
  }

  /** A guest GPR, or null while the context is unknown. */
  get_reg(reg: vcpu_context_reg_t): bigint | null {
    return this.#context === null ? null : this.#context[reg]!;
  }

  /** Sets a guest GPR (32-bit); false while the context is unknown. */
  set_reg(reg: vcpu_context_reg_t, value: bigint): boolean {
    if (this.#context === null) return false;
    this.#context[reg] = BigInt.asUintN(32, value);
    this.#contextModified = true;
    return true;
  }

  /** Replaces the whole context (e.g. before the first entry). */
  set_context(regs: readonly bigint[]): void {
    this.#context = regs.map((r) => BigInt.asUintN(32, r));
    this.#contextModified = true;
  }

  /** After an exit: every cached field is stale; the exit message brings some back. */
  invalidate(): void {
    for (const [f, c] of this.#fields) {
      if (c.modified) throw new GuestStateError(`VMCS field 0x${f.toString(16)} lost before entry`);
    }
    this.#fields.clear();
    this.#context = null;
  }

  /** The exit message made the context known. */
  learn_context(regs: readonly bigint[]): void {
    this.#context = [...regs];
    this.#contextModified = false;
  }

  /** Writes every modified field and the context to the kernel; 0, or the first seL4 error. */
  flush(): number {
    for (const [f, c] of this.#fields) {
      if (!c.modified) continue;
      const r = this.#sel4.seL4_X86_VCPU_WriteVMCS(this.#vcpu, f, c.value);
      if (r.error !== 0) return r.error;
      this.#fields.set(f, { value: r.written, modified: false });
    }
    if (this.#contextModified && this.#context !== null) {
      const [eax, ebx, ecx, edx, esi, edi, ebp] = this.#context as [
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
      ];
      const err = this.#sel4.seL4_X86_VCPU_WriteRegisters(this.#vcpu, {
        eax,
        ebx,
        ecx,
        edx,
        esi,
        edi,
        ebp,
      });
      if (err !== 0) return err;
      this.#contextModified = false;
    }
    return 0;
  }
}
