/**
 * The VM-exit handlers (`x86_exit_handlers[]`): CPUID, RDMSR/WRMSR, I/O instructions (with string
 * and REP forms), EPT violations, HLT, CR access, interrupt window, VMCALL and the preemption
 * timer. Each returns a `vm_exit_result_t` and advances RIP when it completed the instruction.
 */
import {
  VMX_CONTROL_CR0_MASK,
  VMX_CONTROL_CR0_READ_SHADOW,
  VMX_CONTROL_CR4_MASK,
  VMX_CONTROL_CR4_READ_SHADOW,
  VMX_GUEST_CR0,
  VMX_GUEST_CR3,
  VMX_GUEST_CR4,
  VMX_GUEST_INTERRUPTABILITY,
  VMX_GUEST_RFLAGS,
  VMX_GUEST_RSP,
} from "@sel4/sel4";
import {
  VM_EXIT_HANDLE_ERROR,
  VM_EXIT_HANDLED,
  type vm_exit_result_t,
  type vm_vcpu_t,
} from "@sel4/vm";
import type { X86Vm } from "./arch.js";
import { vm_cpuid_values } from "./cpuid.js";
import type { GuestState, vcpu_context_reg_t } from "./guest-state.js";
import { IO_FAULT_ERROR, IO_FAULT_UNHANDLED } from "./ioports.js";
import { emulate_mmio_instruction } from "./mmio/emulate.js";
import { vcpu_arch } from "./vcpu-state.js";
import { RFLAGS_IF, VMX_CONTROL_PPC_INTERRUPT_WINDOW } from "./vmcs.js";

const MASK32 = 0xffff_ffffn;

/**
 * Moves RIP past the exiting instruction (`vm_guest_exit_next_instruction`). Completing an
 * instruction ends an STI or MOV-SS interrupt shadow, as the CPU would have: without this a guest
 * waiting with `sti; hlt` could never take the interrupt that wakes it.
 */
export function next_instruction(vcpu: vm_vcpu_t): void {
  const a = vcpu_arch(vcpu);
  a.guest_state.eip = (a.guest_state.eip + BigInt(a.exit.instruction_length)) & MASK32;
  const shadow = a.guest_state.read(VMX_GUEST_INTERRUPTABILITY) ?? 0n;
  if ((shadow & 3n) !== 0n) a.guest_state.write(VMX_GUEST_INTERRUPTABILITY, shadow & ~3n);
}

function reg(gs: GuestState, r: vcpu_context_reg_t): bigint {
  return gs.get_reg(r) ?? 0n;
}

/** CPUID (exit 10). */
export function vm_cpuid_handler(vcpu: vm_vcpu_t): vm_exit_result_t {
  const gs = vcpu_arch(vcpu).guest_state;
  const v = vm_cpuid_values(Number(reg(gs, 0)), Number(reg(gs, 2)));
  gs.set_reg(0, BigInt(v[0] >>> 0));
  gs.set_reg(1, BigInt(v[1] >>> 0));
  gs.set_reg(2, BigInt(v[2] >>> 0));
  gs.set_reg(3, BigInt(v[3] >>> 0));
  next_instruction(vcpu);
  return VM_EXIT_HANDLED;
}

/** Injects a hardware exception (`vm_inject_exception`); false if an event is already pending. */
export function vm_inject_exception(
  vcpu: vm_vcpu_t,
  vector: number,
  error: number | null,
): boolean {
  const gs = vcpu_arch(vcpu).guest_state;
  if ((gs.control_entry & (1n << 31n)) !== 0n || vector > 31 || vector < 0) return false;
  if (error !== null) gs.write(0x4018, BigInt(error >>> 0));
  gs.control_entry = (1n << 31n) | BigInt(vector) | (3n << 8n) | (error !== null ? 1n << 11n : 0n);
  return true;
}

/** RDMSR (exit 31). Unknown MSRs raise #GP(0) without advancing. */
export function vm_rdmsr_handler(vm: X86Vm, vcpu: vm_vcpu_t): vm_exit_result_t {
  const gs = vcpu_arch(vcpu).guest_state;
  const value = vm.msr_read(vcpu, Number(reg(gs, 2)));
  if (value === null) {
    vm_inject_exception(vcpu, 13, 0);
    return VM_EXIT_HANDLED;
  }
  gs.set_reg(0, value & MASK32);
  gs.set_reg(3, (value >> 32n) & MASK32);
  next_instruction(vcpu);
  return VM_EXIT_HANDLED;
}

/** WRMSR (exit 32). Unknown MSRs raise #GP(0) without advancing. */
export function vm_wrmsr_handler(vm: X86Vm, vcpu: vm_vcpu_t): vm_exit_result_t {
  const gs = vcpu_arch(vcpu).guest_state;
  const value = (reg(gs, 3) << 32n) | reg(gs, 0);
  if (!vm.msr_write(vcpu, Number(reg(gs, 2)), value)) {
    vm_inject_exception(vcpu, 13, 0);
    return VM_EXIT_HANDLED;
  }
  next_instruction(vcpu);
  return VM_EXIT_HANDLED;
}

/** HLT (exit 12): halts until an interrupt can be delivered. */
export function vm_hlt_handler(vm: X86Vm, vcpu: vm_vcpu_t): vm_exit_result_t {
  next_instruction(vcpu);
  if (!vm.pic.has_interrupt()) vcpu_arch(vcpu).interrupt_halt = true;
  return VM_EXIT_HANDLED;
}

/** Interrupt window open (exit 7): the loop injects; the window request is dropped here. */
export function vm_pending_interrupt_handler(vcpu: vm_vcpu_t): vm_exit_result_t {
  const gs = vcpu_arch(vcpu).guest_state;
  gs.control_ppc &= ~VMX_CONTROL_PPC_INTERRUPT_WINDOW;
  return VM_EXIT_HANDLED;
}

/** VMCALL (exit 18): the handler registered for the token in EAX. */
export function vm_vmcall_handler(vm: X86Vm, vcpu: vm_vcpu_t): vm_exit_result_t {
  const token = Number(reg(vcpu_arch(vcpu).guest_state, 0));
  const h = vm.vmcall_handlers.get(token);
  if (h !== undefined && h(vcpu) !== 0) return VM_EXIT_HANDLE_ERROR;
  next_instruction(vcpu);
  return VM_EXIT_HANDLED;
}

/** The GPR a CR-access or I/O qualification names (ESP lives in the VMCS). */
function gprRead(gs: GuestState, n: number): bigint | null {
  const slots: (vcpu_context_reg_t | -1)[] = [0, 2, 3, 1, -1, 6, 4, 5];
  const s = slots[n];
  if (s === undefined) return null;
  if (s === -1) return gs.read(VMX_GUEST_RSP);
  return gs.get_reg(s);
}

function gprWrite(gs: GuestState, n: number, v: bigint): boolean {
  const slots: (vcpu_context_reg_t | -1)[] = [0, 2, 3, 1, -1, 6, 4, 5];
  const s = slots[n];
  if (s === undefined) return false;
  if (s === -1) gs.write(VMX_GUEST_RSP, v & MASK32);
  else gs.set_reg(s, v);
  return true;
}

/** Control-register access (exit 28): MOV to/from CR0/CR3/CR4 under the guest/host masks. */
export function vm_cr_access_handler(vcpu: vm_vcpu_t): vm_exit_result_t {
  const a = vcpu_arch(vcpu);
  const gs = a.guest_state;
  const q = Number(a.exit.qualification);
  const cr = q & 15;
  const type = (q >> 4) & 3;
  const gpr = (q >> 8) & 15;
  if (type === 0) {
    const value = gprRead(gs, gpr);
    if (value === null) return VM_EXIT_HANDLE_ERROR;
    if (cr === 0 || cr === 4) {
      const mask = gs.read(cr === 0 ? VMX_CONTROL_CR0_MASK : VMX_CONTROL_CR4_MASK) ?? 0n;
      const real = gs.read(cr === 0 ? VMX_GUEST_CR0 : VMX_GUEST_CR4) ?? 0n;
      // Host-owned bits keep their real values; the guest reads its own through the shadow.
      gs.write(cr === 0 ? VMX_CONTROL_CR0_READ_SHADOW : VMX_CONTROL_CR4_READ_SHADOW, value & mask);
      gs.write(cr === 0 ? VMX_GUEST_CR0 : VMX_GUEST_CR4, (value & ~mask) | (real & mask));
    } else if (cr === 3) {
      gs.write(VMX_GUEST_CR3, value & MASK32);
    } else {
      return VM_EXIT_HANDLE_ERROR;
    }
  } else if (type === 1) {
    if (cr !== 3) return VM_EXIT_HANDLE_ERROR;
    if (!gprWrite(gs, gpr, gs.read(VMX_GUEST_CR3) ?? 0n)) return VM_EXIT_HANDLE_ERROR;
  } else {
    return VM_EXIT_HANDLE_ERROR;
  }
  next_instruction(vcpu);
  return VM_EXIT_HANDLED;
}

/** I/O instruction (exit 30), including INS/OUTS with and without REP. */
export function vm_io_instruction_handler(vm: X86Vm, vcpu: vm_vcpu_t): vm_exit_result_t {
  const a = vcpu_arch(vcpu);
  const gs = a.guest_state;
  const q = Number(a.exit.qualification & MASK32);
  const size = (q & 7) + 1;
  const isIn = (q & 8) !== 0;
  const string = (q & 16) !== 0;
  const rep = (q & 32) !== 0;
  const port = q >>> 16;
  const mask = (1n << BigInt(8 * size)) - 1n;
  if (!string) {
    if (isIn) {
      const r = vm.port_access(vcpu, port, true, 0, size);
      if (r === null) return VM_EXIT_HANDLE_ERROR;
      const eax = reg(gs, 0);
      gs.set_reg(0, size === 4 ? BigInt(r >>> 0) : (eax & ~mask) | (BigInt(r) & mask));
    } else {
      if (vm.port_access(vcpu, port, false, Number(reg(gs, 0) & mask), size) === null) {
        return VM_EXIT_HANDLE_ERROR;
      }
    }
    next_instruction(vcpu);
    return VM_EXIT_HANDLED;
  }
  // INS/OUTS: ES:EDI / DS:ESI in guest memory, ECX iterations with REP, direction from EFLAGS.DF.
  const rflags = gs.read(VMX_GUEST_RFLAGS) ?? 0n;
  const step = (rflags & (1n << 10n)) !== 0n ? -size : size;
  let count = rep ? Number(reg(gs, 2)) : 1;
  const indexReg: vcpu_context_reg_t = isIn ? 5 : 4;
  let index = Number(reg(gs, indexReg));
  while (count > 0) {
    if (isIn) {
      const v = vm.port_access(vcpu, port, true, 0, size);
      if (v === null || !vm.guest_linear_write(vcpu, index, size, v)) return VM_EXIT_HANDLE_ERROR;
    } else {
      const v = vm.guest_linear_read(vcpu, index, size);
      if (v === null || vm.port_access(vcpu, port, false, v, size) === null)
        return VM_EXIT_HANDLE_ERROR;
    }
    index = (index + step) >>> 0;
    count--;
  }
  gs.set_reg(indexReg, BigInt(index));
  if (rep) gs.set_reg(2, 0n);
  next_instruction(vcpu);
  return VM_EXIT_HANDLED;
}

/** EPT violation (exit 48): the instruction is emulated against the memory reservations. */
export function vm_ept_violation_handler(vm: X86Vm, vcpu: vm_vcpu_t): vm_exit_result_t {
  const a = vcpu_arch(vcpu);
  if ((a.exit.qualification & 4n) !== 0n) return VM_EXIT_HANDLE_ERROR; // no execution from devices
  const length = emulate_mmio_instruction(vm, vcpu);
  if (length < 0) return VM_EXIT_HANDLE_ERROR;
  a.guest_state.eip = (a.guest_state.eip + BigInt(length)) & MASK32;
  return VM_EXIT_HANDLED;
}

/** Whether an interrupt can be injected now (IF set, no STI/MOV-SS shadow, none pending). */
export function can_inject(vcpu: vm_vcpu_t): boolean {
  const gs = vcpu_arch(vcpu).guest_state;
  const rflags = gs.read(VMX_GUEST_RFLAGS) ?? 0n;
  const interruptibility = gs.read(0x4824) ?? 0n;
  return (
    (rflags & RFLAGS_IF) !== 0n &&
    (interruptibility & 3n) === 0n &&
    (gs.control_entry & (1n << 31n)) === 0n
  );
}

/** Maps an I/O handler result to the loop's result. */
export function io_result_ok(result: number): boolean {
  return result !== IO_FAULT_ERROR;
}

/** The all-ones value an unclaimed IN returns. */
export function io_unhandled_value(size: number): number {
  return size === 4 ? 0xffff_ffff : (1 << (8 * size)) - 1;
}

export { IO_FAULT_UNHANDLED };
