/**
 * The x86 {@link VmArch}: {@link vm_x86_arch} makes the factory `vm_init` takes. One `X86Vm` per
 * VM holds what C keeps in `struct vm_arch` and in statics: I/O port ranges, VMCALL handlers, the
 * PIC pair, the guest clock and the event loop around `seL4_VMEnter`.
 */
import {
  SEL4_VMENTER_CALL_CONTROL_PPC_MR,
  SEL4_VMENTER_CALL_EIP_MR,
  SEL4_VMENTER_CALL_INTERRUPT_INFO_MR,
  SEL4_VMENTER_FAULT_CR3_MR,
  SEL4_VMENTER_FAULT_EAX,
  SEL4_VMENTER_FAULT_GUEST_INT_MR,
  SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR,
  SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR,
  SEL4_VMENTER_FAULT_QUALIFICATION_MR,
  SEL4_VMENTER_FAULT_REASON_MR,
  SEL4_VMENTER_FAULT_RFLAGS_MR,
  type Sel4_X86_64,
  seL4_CapInitThreadTCB,
  seL4_NoError,
  type seL4_Word,
  VMX_CONTROL_PIN_EXECUTION_CONTROLS,
  VMX_GUEST_CR0,
  VMX_GUEST_CR3,
  VMX_GUEST_INTERRUPTABILITY,
  VMX_GUEST_RFLAGS,
  VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE,
} from "@sel4/sel4";
import { vka_alloc_ept_pml4 } from "@sel4/vka";
import {
  FAULT_HANDLED,
  FAULT_IGNORE,
  type irq_ack_fn_t,
  VM_EXIT_HANDLE_ERROR,
  VM_EXIT_HANDLED,
  VM_GUEST_ERROR_EXIT,
  VM_GUEST_SHUTDOWN_EXIT,
  type VmArch,
  type VmArchFactory,
  type vm_exit_result_t,
  vm_memory_handle_fault,
  type vm_t,
  type vm_vcpu_t,
} from "@sel4/vm";
import {
  can_inject,
  io_unhandled_value,
  vm_cpuid_handler,
  vm_cr_access_handler,
  vm_ept_violation_handler,
  vm_hlt_handler,
  vm_io_instruction_handler,
  vm_pending_interrupt_handler,
  vm_rdmsr_handler,
  vm_vmcall_handler,
  vm_wrmsr_handler,
} from "./exits.js";
import { GuestState } from "./guest-state.js";
import { type HostFrameAccess, X86GuestVspace } from "./guest-vspace.js";
import { i8259 } from "./i8259.js";
import {
  IO_FAULT_ERROR,
  IO_FAULT_HANDLED,
  IO_FAULT_UNHANDLED,
  IoPortList,
  type ioport_interface_t,
} from "./ioports.js";
import { init_guest_vmcs } from "./vcpu-init.js";
import { vcpu_arch, type x86_vcpu_arch_t } from "./vcpu-state.js";
import {
  ENTRY_INFO_VALID,
  EXIT_REASON_CPUID,
  EXIT_REASON_CR_ACCESS,
  EXIT_REASON_EPT_VIOLATION,
  EXIT_REASON_HLT,
  EXIT_REASON_IO_INSTRUCTION,
  EXIT_REASON_MSR_READ,
  EXIT_REASON_MSR_WRITE,
  EXIT_REASON_PENDING_INTERRUPT,
  EXIT_REASON_VMCALL,
  EXIT_REASON_VMX_TIMER,
  RFLAGS_IF,
  VMX_CONTROL_PIN_PREEMPTION_TIMER,
  VMX_CONTROL_PPC_INTERRUPT_WINDOW,
} from "./vmcs.js";

/** Guest time per retired guest instruction (a 100 MIPS machine), in nanoseconds. */
export const NS_PER_INSTRUCTION = 10;
/** Longest stretch of guest instructions between two looks at the devices' deadlines. */
const MAX_SLICE = 1_000_000;

/**
 * A device with a notion of time (`x86_time_source_t`): the loop asks for its next deadline in
 * guest nanoseconds and calls `advance` whenever guest time moves.
 */
export interface x86_time_source_t {
  /** The guest time at which the device next changes state by itself, or null. */
  next_deadline(now_ns: number): number | null;
  /** Guest time moved to `now_ns`. */
  advance(now_ns: number): void;
}

/** `vmcall_handler_fn`: handles a VMCALL whose EAX was the registered token; 0 means success. */
export type vmcall_handler_fn = (vcpu: vm_vcpu_t) => number;

/** Options of {@link vm_x86_arch}. */
export interface VmX86Options {
  /** Reaches guest frames from the VMM (guest memory access for decoding and string I/O). */
  readonly host_access?: HostFrameAccess;
}

const MASK32 = 0xffff_ffffn;

/** The x86 state of one VM. */
export class X86Vm implements VmArch {
  /** Architecture name. */
  readonly name = "x86";
  /** Most vCPUs: one, as C (the VMM thread itself runs the vCPU; see README). */
  readonly max_num_vcpus = 1;
  /** The VM. */
  readonly vm: vm_t;
  /** Emulated I/O port ranges and the unhandled-port fallback. */
  readonly io_ports = new IoPortList();
  /** VMCALL handlers by token. */
  readonly vmcall_handlers = new Map<number, vmcall_handler_fn>();
  /** The PIC pair. */
  readonly pic: i8259;
  /** Devices with deadlines. */
  readonly time_sources: x86_time_source_t[] = [];
  /** Guest time in nanoseconds (retired guest instructions × {@link NS_PER_INSTRUCTION}). */
  now_ns = 0;
  /** Why the loop stopped: set by {@link X86Vm.vm_x86_stop} or by the loop itself. */
  stop_reason: { readonly message: string; readonly status: number } | null = null;
  /** Exits handled so far, by basic reason. */
  readonly exit_counts = new Map<number, number>();
  /** The EPT PML4 object. */
  ept_root = 0;
  /** IA32_APIC_BASE of the boot vCPU (enabled, BSP, at 0xFEE00000). */
  apic_base = 0xfee0_0900n;
  readonly #sel4: Sel4_X86_64;
  readonly #options: VmX86Options;
  readonly #irqAcks = new Map<number, { fn: irq_ack_fn_t; cookie: unknown }>();

  /** Creates the state (called by `vm_init` through the factory). */
  constructor(vm: vm_t, options: VmX86Options) {
    if (vm.sel4.config !== "x86_64") throw new TypeError("vm_x86_arch needs an x86_64 Sel4");
    this.vm = vm;
    this.#sel4 = vm.sel4 as Sel4_X86_64;
    this.#options = options;
    this.pic = new i8259((irq) => {
      const a = this.#irqAcks.get(irq);
      const vcpu = this.vm.vcpus[0];
      if (a !== undefined && vcpu !== undefined) a.fn(vcpu, irq, a.cookie);
    });
  }

  /** Ends `vm_run` (a device powered the machine off): resolves 0, exit reason SHUTDOWN. */
  vm_x86_stop(message: string, status: number): void {
    if (this.stop_reason === null) this.stop_reason = { message, status };
  }

  /** Creates the EPT root and makes the VMM thread ready for guest mode. 0 or -1. */
  vm_init_arch(vm: vm_t): number {
    const root = vka_alloc_ept_pml4(vm.vka);
    if (root.error !== 0) return -1;
    if (vm.simple.ASID_assign(root.object.cptr) !== seL4_NoError) return -1;
    const tcb = vm.simple.init_cap(seL4_CapInitThreadTCB);
    if (this.#sel4.seL4_TCB_SetEPTRoot(tcb, root.object.cptr) !== seL4_NoError) return -1;
    if (this.#sel4.seL4_TCB_BindNotification(tcb, vm.host_endpoint) !== seL4_NoError) return -1;
    this.ept_root = root.object.cptr;
    vm.mem.vm_vspace_root = root.object;
    vm.mem.vm_vspace = new X86GuestVspace(
      this.#sel4,
      vm.vka,
      root.object.cptr,
      this.#options.host_access ?? null,
    );
    return 0;
  }

  /** Binds the VCPU to the VMM thread and sets the initial guest state. 0 or -1. */
  vm_create_vcpu_arch(vm: vm_t, vcpu: vm_vcpu_t): number {
    const tcb = vm.simple.init_cap(seL4_CapInitThreadTCB);
    if (this.#sel4.seL4_X86_VCPU_SetTCB(vcpu.vcpu.cptr, tcb) !== seL4_NoError) return -1;
    const gs = new GuestState(this.#sel4, vcpu.vcpu.cptr);
    const arch: x86_vcpu_arch_t = {
      guest_state: gs,
      exit: {
        in_exit: false,
        reason: 0,
        qualification: 0n,
        instruction_length: 0,
        guest_physical: 0,
      },
      interrupt_halt: false,
      fault: null,
    };
    vcpu.vcpu_arch = arch;
    init_guest_vmcs(gs);
    return 0;
  }

  /** Nothing to start: the vCPU runs inside `vm_run`. */
  vcpu_start_arch(_vcpu: vm_vcpu_t): number {
    return 0;
  }

  /** The event loop: enter, handle the exit, inject interrupts, keep guest time. */
  async vm_run_arch(vm: vm_t): Promise<number> {
    const vcpu = vm.vcpus[0];
    if (vcpu === undefined || !vcpu.vcpu_online) return -1;
    const a = vcpu_arch(vcpu);
    const gs = a.guest_state;
    for (;;) {
      if (this.stop_reason !== null) {
        vm.run.exit_reason = VM_GUEST_SHUTDOWN_EXIT;
        return 0;
      }
      this.#deliverInterrupts(vcpu);
      if (a.interrupt_halt) {
        const idle = this.#idle(vcpu);
        if (idle !== null) {
          this.stop_reason = { message: idle, status: -1 };
          vm.run.exit_reason = VM_GUEST_ERROR_EXIT;
          return -1;
        }
        continue;
      }
      const armed = this.#armTimer(gs);
      if (gs.flush() !== 0) return -1;
      const sel4 = this.#sel4;
      sel4.seL4_SetMR(SEL4_VMENTER_CALL_EIP_MR, gs.eip);
      sel4.seL4_SetMR(SEL4_VMENTER_CALL_CONTROL_PPC_MR, gs.control_ppc);
      sel4.seL4_SetMR(SEL4_VMENTER_CALL_INTERRUPT_INFO_MR, gs.control_entry);
      const r = await sel4.seL4_VMEnter();
      gs.invalidate();
      gs.eip = sel4.seL4_GetMR(SEL4_VMENTER_CALL_EIP_MR);
      gs.control_ppc = sel4.seL4_GetMR(SEL4_VMENTER_CALL_CONTROL_PPC_MR);
      gs.control_entry = sel4.seL4_GetMR(SEL4_VMENTER_CALL_INTERRUPT_INFO_MR);
      this.#accountTime(gs, armed);
      if (r.result === 0n) {
        if (this.#notification(r.sender) !== 0) return -1;
        continue;
      }
      gs.learn(VMX_GUEST_RFLAGS, sel4.seL4_GetMR(SEL4_VMENTER_FAULT_RFLAGS_MR));
      gs.learn(VMX_GUEST_INTERRUPTABILITY, sel4.seL4_GetMR(SEL4_VMENTER_FAULT_GUEST_INT_MR));
      gs.learn(VMX_GUEST_CR3, sel4.seL4_GetMR(SEL4_VMENTER_FAULT_CR3_MR));
      gs.learn_context(
        Array.from({ length: 7 }, (_, i) => sel4.seL4_GetMR(SEL4_VMENTER_FAULT_EAX + i)),
      );
      a.exit.in_exit = true;
      a.exit.reason = Number(sel4.seL4_GetMR(SEL4_VMENTER_FAULT_REASON_MR) & MASK32);
      a.exit.qualification = sel4.seL4_GetMR(SEL4_VMENTER_FAULT_QUALIFICATION_MR);
      a.exit.instruction_length = Number(sel4.seL4_GetMR(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR));
      a.exit.guest_physical = Number(sel4.seL4_GetMR(SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR));
      this.exit_counts.set(a.exit.reason, (this.exit_counts.get(a.exit.reason) ?? 0) + 1);
      const result = this.#handleExit(vcpu);
      a.exit.in_exit = false;
      if (result !== VM_EXIT_HANDLED) {
        if (this.stop_reason === null) {
          this.stop_reason = { message: `unhandled VM exit ${describeExit(a)}`, status: -1 };
        }
        vm.run.exit_reason = VM_GUEST_ERROR_EXIT;
        return -1;
      }
    }
  }

  #handleExit(vcpu: vm_vcpu_t): vm_exit_result_t {
    switch (vcpu_arch(vcpu).exit.reason) {
      case EXIT_REASON_PENDING_INTERRUPT:
        return vm_pending_interrupt_handler(vcpu);
      case EXIT_REASON_CPUID:
        return vm_cpuid_handler(vcpu);
      case EXIT_REASON_HLT:
        return vm_hlt_handler(this, vcpu);
      case EXIT_REASON_VMCALL:
        return vm_vmcall_handler(this, vcpu);
      case EXIT_REASON_CR_ACCESS:
        return vm_cr_access_handler(vcpu);
      case EXIT_REASON_IO_INSTRUCTION:
        return vm_io_instruction_handler(this, vcpu);
      case EXIT_REASON_MSR_READ:
        return vm_rdmsr_handler(this, vcpu);
      case EXIT_REASON_MSR_WRITE:
        return vm_wrmsr_handler(this, vcpu);
      case EXIT_REASON_EPT_VIOLATION:
        return vm_ept_violation_handler(this, vcpu);
      case EXIT_REASON_VMX_TIMER:
        return VM_EXIT_HANDLED;
      default:
        return VM_EXIT_HANDLE_ERROR;
    }
  }

  #notification(badge: seL4_Word): number {
    const cb = this.vm.run.notification_callback;
    if (cb === null) return 0;
    return cb(
      this.vm,
      badge,
      { label: 0n, capsUnwrapped: 0n, extraCaps: 0n, length: 0n } as never,
      this.vm.run.notification_callback_cookie,
    );
  }

  /** Arms the preemption timer for the nearest device deadline; returns the instructions armed. */
  #armTimer(gs: GuestState): number {
    const deadline = this.#nextDeadline();
    const ns = deadline === null ? MAX_SLICE * NS_PER_INSTRUCTION : deadline - this.now_ns;
    const insns = Math.max(1, Math.min(MAX_SLICE, Math.ceil(ns / NS_PER_INSTRUCTION)));
    const pin = gs.read(VMX_CONTROL_PIN_EXECUTION_CONTROLS) ?? 0n;
    if ((pin & VMX_CONTROL_PIN_PREEMPTION_TIMER) === 0n) {
      gs.write(VMX_CONTROL_PIN_EXECUTION_CONTROLS, pin | VMX_CONTROL_PIN_PREEMPTION_TIMER);
    }
    gs.write(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, BigInt(insns));
    return insns;
  }

  #accountTime(gs: GuestState, armed: number): void {
    const left = gs.read(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE);
    const ran = left === null ? 0 : armed - Number(left);
    this.#advanceTo(this.now_ns + Math.max(0, ran) * NS_PER_INSTRUCTION);
  }

  #advanceTo(now: number): void {
    this.now_ns = now;
    for (const s of this.time_sources) s.advance(now);
  }

  #nextDeadline(): number | null {
    let best: number | null = null;
    for (const s of this.time_sources) {
      const d = s.next_deadline(this.now_ns);
      if (d !== null && (best === null || d < best)) best = d;
    }
    return best;
  }

  /**
   * A halted guest: skip guest time to the next device deadline if interrupts can wake it, else
   * report why it can never run again (null when it may continue).
   */
  #idle(vcpu: vm_vcpu_t): string | null {
    const a = vcpu_arch(vcpu);
    const rflags = a.guest_state.read(VMX_GUEST_RFLAGS) ?? 0n;
    if (this.pic.has_interrupt() && (rflags & RFLAGS_IF) !== 0n) {
      a.interrupt_halt = false;
      return null;
    }
    const deadline = this.#nextDeadline();
    if ((rflags & RFLAGS_IF) === 0n) {
      return `guest halted with interrupts disabled at eip 0x${a.guest_state.eip.toString(16)}: nothing can wake it`;
    }
    if (deadline === null) {
      return `guest halted at eip 0x${a.guest_state.eip.toString(16)} with nothing pending and no device timer armed`;
    }
    this.#advanceTo(Math.max(this.now_ns, deadline));
    return null;
  }

  /** Injects the PIC's interrupt when the guest can take it, else asks for an interrupt window. */
  #deliverInterrupts(vcpu: vm_vcpu_t): void {
    const a = vcpu_arch(vcpu);
    if (!this.pic.has_interrupt()) return;
    const gs = a.guest_state;
    if (can_inject(vcpu)) {
      const vector = this.pic.get_interrupt();
      if (vector >= 0) {
        gs.control_entry = ENTRY_INFO_VALID | BigInt(vector);
        a.interrupt_halt = false;
      }
      if (this.pic.has_interrupt()) gs.control_ppc |= VMX_CONTROL_PPC_INTERRUPT_WINDOW;
    } else if ((gs.control_entry & ENTRY_INFO_VALID) === 0n) {
      gs.control_ppc |= VMX_CONTROL_PPC_INTERRUPT_WINDOW;
      if (a.interrupt_halt && ((gs.read(VMX_GUEST_RFLAGS) ?? 0n) & RFLAGS_IF) !== 0n)
        a.interrupt_halt = false;
    }
  }

  /** An access to an I/O port: the value read (or 0 for a write); null on IO_FAULT_ERROR. */
  port_access(
    vcpu: vm_vcpu_t,
    port: number,
    is_in: boolean,
    value: number,
    size: number,
  ): number | null {
    const entry = this.io_ports.find(port);
    let result: number;
    let read = 0;
    if (entry !== null) {
      const i = entry.interface;
      if (is_in) {
        const r = i.port_in(vcpu, i.cookie, port, size);
        result = r.result;
        read = r.value;
      } else {
        result = i.port_out(vcpu, i.cookie, port, size, value);
      }
    } else if (this.io_ports.unhandled !== null) {
      const u = this.io_ports.unhandled;
      const r = u.fn(vcpu, port, is_in, value, size, u.cookie);
      result = r.result;
      read = r.value;
    } else {
      result = IO_FAULT_UNHANDLED;
    }
    if (result === IO_FAULT_ERROR) return null;
    if (!is_in) return 0;
    if (result === IO_FAULT_UNHANDLED) return io_unhandled_value(size);
    return size === 4 ? read >>> 0 : read & ((1 << (8 * size)) - 1);
  }

  /** RDMSR: the value, or null for an MSR the VM does not have (#GP). */
  msr_read(_vcpu: vm_vcpu_t, msr: number): bigint | null {
    switch (msr >>> 0) {
      case 0x1b:
        return this.apic_base;
      case 0x17:
      case 0x2a:
      case 0x1d9:
      case 0x1db:
      case 0x1dc:
      case 0x1dd:
      case 0x1de:
      case 0x1a0:
      case 0xc1:
      case 0xc2:
      case 0x186:
      case 0x187:
        return 0n;
      case 0x8b:
        return 0x1_0000_0000n;
      default:
        return null;
    }
  }

  /** WRMSR: false for an MSR the VM does not have (#GP). */
  msr_write(_vcpu: vm_vcpu_t, msr: number, value: bigint): boolean {
    switch (msr >>> 0) {
      case 0x1b:
        this.apic_base = value & 0xffff_ff00n;
        this.apic_base |= value & 0x900n;
        return true;
      case 0x79:
      case 0x8b:
      case 0xc1:
      case 0xc2:
      case 0x186:
      case 0x187:
        return true;
      default:
        return false;
    }
  }

  /** Guest-physical address of a linear address (flat segments; guest paging if enabled). */
  guest_linear_to_physical(vcpu: vm_vcpu_t, linear: number): number | null {
    const gs = vcpu_arch(vcpu).guest_state;
    const cr0 = gs.read(VMX_GUEST_CR0) ?? 0n;
    if ((cr0 & (1n << 31n)) === 0n) return linear >>> 0;
    const cr3 = Number((gs.read(VMX_GUEST_CR3) ?? 0n) & 0xffff_f000n);
    const pde = this.guest_physical_read(cr3 + ((linear >>> 22) << 2), 4);
    if (pde === null || (pde & 1) === 0) return null;
    if ((pde & 0x80) !== 0) return ((pde & 0xffc0_0000) | (linear & 0x3f_ffff)) >>> 0;
    const pte = this.guest_physical_read(
      ((pde & 0xffff_f000) >>> 0) + (((linear >>> 12) & 0x3ff) << 2),
      4,
    );
    if (pte === null || (pte & 1) === 0) return null;
    return ((pte & 0xffff_f000) | (linear & 0xfff)) >>> 0;
  }

  /** Reads `size` bytes of guest RAM (not crossing a page); null if no RAM is there. */
  guest_physical_read(gpa: number, size: number): number | null {
    let value: number | null = null;
    const page = gpa - (gpa % 4096);
    const off = gpa - page;
    if (off + size > 4096) return null;
    const r = this.vm.mem.vm_vspace.access_page(page, (bytes) => {
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[off + i]!;
      value = v;
      return 0;
    });
    return r === 0 ? value : null;
  }

  /** Writes `size` bytes of guest RAM; false if no RAM is there. */
  guest_physical_write(gpa: number, size: number, value: number): boolean {
    const page = gpa - (gpa % 4096);
    const off = gpa - page;
    if (off + size > 4096) return false;
    return (
      this.vm.mem.vm_vspace.access_page(page, (bytes) => {
        for (let i = 0; i < size; i++) bytes[off + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
        return 0;
      }) === 0
    );
  }

  /** Reads guest memory at a linear address: RAM directly, anything else through the reservations. */
  guest_linear_read(vcpu: vm_vcpu_t, linear: number, size: number): number | null {
    const gpa = this.guest_linear_to_physical(vcpu, linear);
    if (gpa === null) return null;
    const ram = this.guest_physical_read(gpa, size);
    if (ram !== null) return ram;
    return this.device_access(vcpu, gpa, size, true, 0);
  }

  /** Writes guest memory at a linear address (RAM or reservations). */
  guest_linear_write(vcpu: vm_vcpu_t, linear: number, size: number, value: number): boolean {
    const gpa = this.guest_linear_to_physical(vcpu, linear);
    if (gpa === null) return false;
    if (this.guest_physical_write(gpa, size, value)) return true;
    return this.device_access(vcpu, gpa, size, false, value) !== null;
  }

  /** One access to a memory reservation, as a fault its handler sees; the value read, or null. */
  device_access(
    vcpu: vm_vcpu_t,
    gpa: number,
    size: number,
    is_read: boolean,
    value: number,
  ): number | null {
    const a = vcpu_arch(vcpu);
    a.fault = { addr: gpa, size, is_read, data: BigInt(value >>> 0), completed: false };
    try {
      const r = vm_memory_handle_fault(this.vm, vcpu, gpa, size);
      if (r !== FAULT_HANDLED && r !== FAULT_IGNORE) return null;
      const mask = size === 4 ? MASK32 : (1n << BigInt(8 * size)) - 1n;
      return Number(a.fault.data & mask);
    } finally {
      a.fault = null;
    }
  }

  /** The guest-physical address of the access being emulated (else the exit's). */
  get_vcpu_fault_address(vcpu: vm_vcpu_t): number {
    return vcpu_arch(vcpu).fault?.addr ?? vcpu_arch(vcpu).exit.guest_physical;
  }

  /** The guest RIP of the exiting instruction. */
  get_vcpu_fault_ip(vcpu: vm_vcpu_t): seL4_Word {
    return vcpu_arch(vcpu).guest_state.eip;
  }

  /** The value stored (writes) or provided so far (reads). */
  get_vcpu_fault_data(vcpu: vm_vcpu_t): seL4_Word {
    return vcpu_arch(vcpu).fault?.data ?? 0n;
  }

  /** The access-width mask shifted to its byte lane in the 32-bit word. */
  get_vcpu_fault_data_mask(vcpu: vm_vcpu_t): seL4_Word {
    const f = vcpu_arch(vcpu).fault;
    if (f === null) return 0n;
    const mask = f.size >= 4 ? MASK32 : (1n << BigInt(8 * f.size)) - 1n;
    return (mask << BigInt((f.addr & 3) * 8)) & MASK32;
  }

  /** The access width in bytes. */
  get_vcpu_fault_size(vcpu: vm_vcpu_t): number {
    return vcpu_arch(vcpu).fault?.size ?? 0;
  }

  /** True for a load. */
  is_vcpu_read_fault(vcpu: vm_vcpu_t): boolean {
    return vcpu_arch(vcpu).fault?.is_read ?? false;
  }

  /** Sets the value a load returns. 0, or -1 outside an access. */
  set_vcpu_fault_data(vcpu: vm_vcpu_t, data: seL4_Word): number {
    const f = vcpu_arch(vcpu).fault;
    if (f === null) return -1;
    f.data = BigInt.asUintN(64, data);
    return 0;
  }

  /** Marks the access complete (RIP moves past the whole instruction afterwards). */
  advance_vcpu_fault(vcpu: vm_vcpu_t): void {
    const f = vcpu_arch(vcpu).fault;
    if (f !== null) f.completed = true;
  }

  /** Nothing to do: an access not completed is simply retried by the guest. */
  restart_vcpu_fault(_vcpu: vm_vcpu_t): void {}

  /** An edge on PIC line `irq`. 0 or -1. */
  vm_inject_irq(_vcpu: vm_vcpu_t, irq: number): number {
    return this.pic.inject_irq(irq);
  }

  /** Drives PIC line `irq`. 0 or -1. */
  vm_set_irq_level(_vcpu: vm_vcpu_t, irq: number, irq_level: number): number {
    return this.pic.set_irq_level(irq, irq_level);
  }

  /** Hears the guest's EOI of PIC line `irq`. 0 or -1. */
  vm_register_irq(_vcpu: vm_vcpu_t, irq: number, ack_fn: irq_ack_fn_t, cookie: unknown): number {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15 || typeof ack_fn !== "function") return -1;
    this.#irqAcks.set(irq, { fn: ack_fn, cookie });
    return 0;
  }

  /** Installs the PIC pair's ports (0x20-0x21, 0xA0-0xA1, 0x4D0-0x4D1). 0 or -1. */
  vm_create_default_irq_controller(_vm: vm_t): number {
    const pic = this.pic;
    const iface: ioport_interface_t = {
      cookie: null,
      desc: "i8259",
      port_in: (_v: vm_vcpu_t, _c: unknown, port: number, size: number) => {
        const v = size === 1 ? pic.port_in(port) : null;
        return v === null
          ? { result: IO_FAULT_ERROR, value: 0 }
          : { result: IO_FAULT_HANDLED, value: v };
      },
      port_out: (_v: vm_vcpu_t, _c: unknown, port: number, size: number, value: number) =>
        size === 1 && pic.port_out(port, value) ? (0 as const) : IO_FAULT_ERROR,
    };
    for (const [start, end] of [
      [0x20, 0x21],
      [0xa0, 0xa1],
      [0x4d0, 0x4d1],
    ] as const) {
      if (this.io_ports.add({ start, end, size: end - start + 1 }, iface) === null) return -1;
    }
    return 0;
  }
}

function describeExit(a: x86_vcpu_arch_t): string {
  return `reason ${a.exit.reason} qualification 0x${a.exit.qualification.toString(16)} at eip 0x${a.guest_state.eip.toString(16)}`;
}

/** The factory `vm_init` takes for x86 guests. */
export function vm_x86_arch(options: VmX86Options = {}): VmArchFactory {
  return (vm) => new X86Vm(vm, options);
}
