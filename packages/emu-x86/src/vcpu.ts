import { CpuCore } from "./cpu.js";
import type { GuestPhysicalMemory } from "./memory.js";
import { flushTlb, invalidateEpt } from "./paging.js";
import { CS, SS } from "./registers.js";
import { VmcsField as F } from "./vmcs.js";

/** General-purpose register numbers (the x86 encoding order). */
export const X86Register = {
  EAX: 0,
  ECX: 1,
  EDX: 2,
  EBX: 3,
  ESP: 4,
  EBP: 5,
  ESI: 6,
  EDI: 7,
} as const;

/** What `run` returns: the VM-exit information fields, as VT-x reports them. */
export interface VmExit {
  /** Basic exit reason (ExitReason). */
  readonly reason: number;
  /** Exit qualification. */
  readonly qualification: number;
  /** VM-exit instruction length (0 where VT-x does not define it). */
  readonly instructionLength: number;
  /** Guest-physical address (EPT violations). */
  readonly guestPhysical: number;
  /** Guest-linear address (EPT violations, string I/O, LMSW from memory). */
  readonly guestLinear: number;
  /** VM-exit interruption information (exception exits). */
  readonly interruptInfo: number;
  /** VM-exit interruption error code. */
  readonly interruptError: number;
  /** IDT-vectoring information: the event whose delivery the exit interrupted (or 0). */
  readonly idtVectoringInfo: number;
  /** IDT-vectoring error code. */
  readonly idtVectoringError: number;
}

const SEGMENT_FIELDS = 8;

/**
 * One x86 virtual CPU with a VT-x-style interface: guest state is read and written as VMCS
 * fields, `run` executes guest code until a VM exit, and guest-physical memory goes through the
 * host's EPT callback. Knows nothing of any kernel.
 */
export class X86Vcpu {
  readonly #cpu: CpuCore;

  /** Creates a CPU in the reset state (real mode, CS:IP = 0:0) over `memory`. */
  constructor(memory: GuestPhysicalMemory) {
    this.#cpu = new CpuCore(memory);
  }

  /** Reads a general-purpose register (unsigned 32-bit). */
  getRegister(register: number): number {
    return this.#cpu.regs[register & 7]! >>> 0;
  }

  /** Writes a general-purpose register. */
  setRegister(register: number, value: number): void {
    this.#cpu.regs[register & 7] = value;
  }

  /** CR2 (not a VMCS field: under VT-x it stays in the processor across entries and exits). */
  getCr2(): number {
    return this.#cpu.cr2 >>> 0;
  }

  /** Sets CR2. */
  setCr2(value: number): void {
    this.#cpu.cr2 = value | 0;
  }

  /** Steps so far: instructions executed plus exceptions delivered (the TSC counts these). */
  get instructionsRetired(): number {
    return this.#cpu.clock;
  }

  /** The I/O bitmap (8 KiB, one bit per port) consulted when USE_IO_BITMAPS is set. */
  setIoBitmap(bitmap: Uint8Array | null): void {
    this.#cpu.ioBitmap = bitmap;
  }

  /** Forgets every cached EPT translation (after the host changes its mappings). */
  invalidateEpt(): void {
    invalidateEpt(this.#cpu);
  }

  /**
   * Runs guest code for at most `budget` instructions. Returns the VM exit; running out of
   * budget is reported as a VMX-preemption-timer exit.
   */
  run(budget: number): VmExit {
    const cpu = this.#cpu;
    cpu.run(budget);
    return {
      reason: cpu.exitReason,
      qualification: cpu.exitQualification >>> 0,
      instructionLength: cpu.exitInstructionLength,
      guestPhysical: cpu.exitGuestPhysical >>> 0,
      guestLinear: cpu.exitGuestLinear >>> 0,
      interruptInfo: cpu.exitInterruptInfo >>> 0,
      interruptError: cpu.exitInterruptError >>> 0,
      idtVectoringInfo: cpu.idtVectoringInfo >>> 0,
      idtVectoringError: cpu.idtVectoringError >>> 0,
    };
  }

  /** Reads a VMCS field (encodings in VmcsField); unknown encodings throw a RangeError. */
  readVmcs(field: number): number {
    const cpu = this.#cpu;
    const seg = segmentOf(field);
    if (seg !== null) {
      const [kind, index] = seg;
      if (kind === 0) return cpu.segSel[index]!;
      if (kind === 1) return cpu.segLimit[index]! >>> 0;
      if (kind === 2) return cpu.segAr[index]! >>> 0;
      return cpu.segBase[index]! >>> 0;
    }
    switch (field) {
      case F.GUEST_RIP:
        return cpu.eip >>> 0;
      case F.GUEST_RSP:
        return cpu.regs[4]! >>> 0;
      case F.GUEST_RFLAGS:
        return cpu.getEflags();
      case F.GUEST_CR0:
        return cpu.cr0 >>> 0;
      case F.GUEST_CR3:
        return cpu.cr3 >>> 0;
      case F.GUEST_CR4:
        return cpu.cr4 >>> 0;
      case F.GUEST_DR7:
        return cpu.dr[7]! >>> 0;
      case F.GUEST_GDTR_BASE:
        return cpu.gdtrBase >>> 0;
      case F.GUEST_GDTR_LIMIT:
        return cpu.gdtrLimit;
      case F.GUEST_IDTR_BASE:
        return cpu.idtrBase >>> 0;
      case F.GUEST_IDTR_LIMIT:
        return cpu.idtrLimit;
      case F.GUEST_INTERRUPTIBILITY:
        return cpu.interruptibility;
      case F.GUEST_ACTIVITY:
        return cpu.activity;
      case F.GUEST_SYSENTER_CS:
        return cpu.sysenterCs;
      case F.GUEST_SYSENTER_ESP:
        return cpu.sysenterEsp >>> 0;
      case F.GUEST_SYSENTER_EIP:
        return cpu.sysenterEip >>> 0;
      case F.CONTROL_PIN_EXECUTION_CONTROLS:
        return cpu.pinControls >>> 0;
      case F.CONTROL_PRIMARY_PROCESSOR_CONTROLS:
        return cpu.primaryControls >>> 0;
      case F.CONTROL_EXCEPTION_BITMAP:
        return cpu.exceptionBitmap >>> 0;
      case F.CONTROL_ENTRY_INTERRUPTION_INFO:
        return cpu.entryInterruptionInfo >>> 0;
      case F.CONTROL_ENTRY_EXCEPTION_ERROR_CODE:
        return cpu.entryErrorCode >>> 0;
      case F.CONTROL_ENTRY_INSTRUCTION_LENGTH:
        return cpu.entryInstructionLength;
      case F.CONTROL_CR0_MASK:
        return cpu.cr0Mask >>> 0;
      case F.CONTROL_CR4_MASK:
        return cpu.cr4Mask >>> 0;
      case F.CONTROL_CR0_READ_SHADOW:
        return cpu.cr0Shadow >>> 0;
      case F.CONTROL_CR4_READ_SHADOW:
        return cpu.cr4Shadow >>> 0;
      case F.DATA_EXIT_REASON:
        return cpu.exitReason >>> 0;
      case F.DATA_EXIT_QUALIFICATION:
        return cpu.exitQualification >>> 0;
      case F.DATA_EXIT_INSTRUCTION_LENGTH:
        return cpu.exitInstructionLength;
      case F.DATA_GUEST_PHYSICAL:
        return cpu.exitGuestPhysical >>> 0;
      case F.DATA_GUEST_LINEAR_ADDRESS:
        return cpu.exitGuestLinear >>> 0;
      case F.DATA_EXIT_INTERRUPT_INFO:
        return cpu.exitInterruptInfo >>> 0;
      case F.DATA_EXIT_INTERRUPT_ERROR:
        return cpu.exitInterruptError >>> 0;
      case F.DATA_IDT_VECTOR_INFO:
        return cpu.idtVectoringInfo >>> 0;
      case F.DATA_IDT_VECTOR_ERROR:
        return cpu.idtVectoringError >>> 0;
      default:
        throw new RangeError(`unsupported VMCS field 0x${field.toString(16)}`);
    }
  }

  /** Writes a VMCS field; read-only and unknown encodings throw a RangeError. */
  writeVmcs(field: number, value: number): void {
    const cpu = this.#cpu;
    value |= 0;
    const seg = segmentOf(field);
    if (seg !== null) {
      const [kind, index] = seg;
      if (kind === 0) cpu.segSel[index] = value & 0xffff;
      else if (kind === 1) cpu.segLimit[index] = value;
      else if (kind === 2) {
        cpu.segAr[index] = value & 0x1f0ff;
        if (index === CS) cpu.code32 = (value & 0x4000) !== 0;
        if (index === SS) {
          cpu.stack32 = (value & 0x4000) !== 0;
          cpu.setCpl((value >> 5) & 3);
        }
      } else cpu.segBase[index] = value;
      return;
    }
    switch (field) {
      case F.GUEST_RIP:
        cpu.eip = value;
        return;
      case F.GUEST_RSP:
        cpu.regs[4] = value;
        return;
      case F.GUEST_RFLAGS:
        cpu.setEflags(value);
        return;
      case F.GUEST_CR0:
        cpu.cr0 = value;
        if ((value & 1) === 0) cpu.setCpl(0);
        flushTlb(cpu, true);
        return;
      case F.GUEST_CR3:
        cpu.cr3 = value;
        flushTlb(cpu, true);
        return;
      case F.GUEST_CR4:
        cpu.cr4 = value;
        flushTlb(cpu, true);
        return;
      case F.GUEST_DR7:
        cpu.dr[7] = value;
        return;
      case F.GUEST_GDTR_BASE:
        cpu.gdtrBase = value;
        return;
      case F.GUEST_GDTR_LIMIT:
        cpu.gdtrLimit = value & 0xffff;
        return;
      case F.GUEST_IDTR_BASE:
        cpu.idtrBase = value;
        return;
      case F.GUEST_IDTR_LIMIT:
        cpu.idtrLimit = value & 0xffff;
        return;
      case F.GUEST_INTERRUPTIBILITY:
        cpu.interruptibility = value & 0xf;
        return;
      case F.GUEST_ACTIVITY:
        cpu.activity = value === 1 ? 1 : 0;
        return;
      case F.GUEST_SYSENTER_CS:
        cpu.sysenterCs = value;
        return;
      case F.GUEST_SYSENTER_ESP:
        cpu.sysenterEsp = value;
        return;
      case F.GUEST_SYSENTER_EIP:
        cpu.sysenterEip = value;
        return;
      case F.CONTROL_PIN_EXECUTION_CONTROLS:
        cpu.pinControls = value;
        return;
      case F.CONTROL_PRIMARY_PROCESSOR_CONTROLS:
        cpu.primaryControls = value;
        return;
      case F.CONTROL_EXCEPTION_BITMAP:
        cpu.exceptionBitmap = value;
        return;
      case F.CONTROL_ENTRY_INTERRUPTION_INFO:
        cpu.entryInterruptionInfo = value;
        return;
      case F.CONTROL_ENTRY_EXCEPTION_ERROR_CODE:
        cpu.entryErrorCode = value;
        return;
      case F.CONTROL_ENTRY_INSTRUCTION_LENGTH:
        cpu.entryInstructionLength = value & 0xf;
        return;
      case F.CONTROL_CR0_MASK:
        cpu.cr0Mask = value;
        return;
      case F.CONTROL_CR4_MASK:
        cpu.cr4Mask = value;
        return;
      case F.CONTROL_CR0_READ_SHADOW:
        cpu.cr0Shadow = value;
        return;
      case F.CONTROL_CR4_READ_SHADOW:
        cpu.cr4Shadow = value;
        return;
      default:
        throw new RangeError(`unsupported or read-only VMCS field 0x${field.toString(16)}`);
    }
  }
}

/** Segment fields: [0 selector | 1 limit | 2 access rights | 3 base, segment index]. */
function segmentOf(field: number): [number, number] | null {
  const ranges: [number, number][] = [
    [F.GUEST_ES_SELECTOR, 0],
    [F.GUEST_ES_LIMIT, 1],
    [F.GUEST_ES_ACCESS_RIGHTS, 2],
    [F.GUEST_ES_BASE, 3],
  ];
  for (const [start, kind] of ranges) {
    const offset = field - start;
    if (offset >= 0 && offset < SEGMENT_FIELDS * 2 && (offset & 1) === 0)
      return [kind, offset >> 1];
  }
  return null;
}
