/**
 * The exit handlers of `arch/arm/vm.c`: one per seL4 fault label a vCPU thread delivers, plus the
 * default VCPUFault dispatch of libsel4vmmplatsupport (WFI, SMC, system registers, BRK).
 */
import {
  seL4_Fault_UnknownSyscall,
  seL4_Fault_UserException,
  seL4_Fault_VCPUFault,
  seL4_Fault_VGICMaintenance,
  seL4_Fault_VMFault,
  seL4_Fault_VPPIEvent,
  seL4_MessageInfo_new,
  type seL4_MessageInfo_t,
  seL4_NoError,
  seL4_UnknownSyscall_Msg,
  type seL4_UserContext_aarch64,
  seL4_VCPUFault_HSR,
  seL4_VGICMaintenance_IDX,
  seL4_VMFault_Addr,
  seL4_VMFault_FSR,
  seL4_VMFault_IP,
  seL4_VMFault_PrefetchFault,
  seL4_VPPIEvent_IRQ,
} from "@sel4/sel4";
import {
  call_fault_callback,
  FAULT_ERROR,
  FAULT_HANDLED,
  FAULT_IGNORE,
  FAULT_RESTART,
  FAULT_UNHANDLED,
  type memory_fault_result_t,
  VM_EXIT_HANDLE_ERROR,
  VM_EXIT_HANDLED,
  type vm_exit_result_t,
  vm_memory_handle_fault,
  type vm_vcpu_t,
} from "@sel4/vm";
import type { ArmVmState } from "./arch-state.js";
import type { PsciPlatform } from "./psci.js";
import { handle_psci } from "./psci.js";
import { SMCCC_NOT_SUPPORTED } from "./smc.js";
import {
  HSR_BRK_LOW_EXCEPTION,
  HSR_EXCEPTION_CLASS,
  HSR_SMC_64_EXCEPTION,
  HSR_SWBRK_64_EXCEPTION,
  HSR_SYSREG_64_EXCEPTION,
  HSR_WFx_EXCEPTION,
} from "./syndrome.js";
import { vcpu_arch } from "./vcpu.js";

const MR = seL4_UnknownSyscall_Msg.aarch64;
const MASK64 = (1n << 64n) - 1n;

/** libsel4vm's own HVC services (x7): 65 PA→IPA (identity), 66 IPA→PA (disabled), 67 no-op. */
export const SYS_PA_TO_IPA = 65;
/** `SYS_IPA_TO_PA` (compiled out in C; answered NOT_SUPPORTED here). */
export const SYS_IPA_TO_PA = 66;
/** `SYS_NOP`. */
export const SYS_NOP = 67;

function fail(arm: ArmVmState, why: string): vm_exit_result_t {
  arm.last_error = why;
  return VM_EXIT_HANDLE_ERROR;
}

/** Handles one fault message from `vcpu` (`label` = the fault type). */
export function handle_vcpu_exit(
  arm: ArmVmState,
  vcpu: vm_vcpu_t,
  info: seL4_MessageInfo_t,
  psci: (vcpu: vm_vcpu_t) => PsciPlatform,
): vm_exit_result_t {
  switch (info.label) {
    case seL4_Fault_VMFault:
      return handle_memory_abort(arm, vcpu);
    case seL4_Fault_UnknownSyscall:
      return handle_hvc(arm, vcpu, psci(vcpu));
    case seL4_Fault_VCPUFault:
      return handle_vcpu_fault(
        arm,
        vcpu,
        Number(arm.sel4.seL4_GetMR(seL4_VCPUFault_HSR) & 0xffff_ffffn),
      );
    case seL4_Fault_VGICMaintenance:
      return handle_vgic_maintenance(arm, vcpu);
    case seL4_Fault_VPPIEvent:
      return handle_vppi(arm, vcpu);
    case seL4_Fault_UserException:
      // Replying would re-run the same instruction forever (C quirk A3): stop instead.
      return fail(arm, "guest user exception (undefined instruction)");
    default:
      return fail(arm, `unknown fault label ${info.label}`);
  }
}

/** A VMFault: emulate the access through the reservations (`vm_guest_mem_abort_handler`). */
function handle_memory_abort(arm: ArmVmState, vcpu: vm_vcpu_t): vm_exit_result_t {
  const s = arm.sel4;
  const ip = s.seL4_GetMR(seL4_VMFault_IP);
  const addr = Number(s.seL4_GetMR(seL4_VMFault_Addr) & 0xff_ffff_ffffn);
  const prefetch = s.seL4_GetMR(seL4_VMFault_PrefetchFault) !== 0n;
  const fsr = Number(s.seL4_GetMR(seL4_VMFault_FSR) & 0xffff_ffffn);
  const fault = vcpu_arch(vcpu).fault;
  const err = fault.new_memory_fault(ip, addr, prefetch, fsr, (va) =>
    arm.fetch_instruction(vcpu, va),
  );
  if (err !== null) {
    fault.abandon();
    return fail(arm, `memory fault at ${addr.toString(16)} (ip ${ip.toString(16)}): ${err}`);
  }
  let again = true;
  fault.on_next_stage = () => {
    again = true;
  };
  while (again) {
    again = false;
    const r = dispatch_memory_fault(arm, vcpu);
    if (r !== VM_EXIT_HANDLED) return r;
  }
  // A callback that completes later (after this message) dispatches later stages itself.
  fault.on_next_stage = () => {
    if (dispatch_memory_fault(arm, vcpu) !== VM_EXIT_HANDLED) {
      arm.deferred_error = arm.last_error ?? "deferred memory fault failed";
    }
  };
  return VM_EXIT_HANDLED;
}

/** One transfer of a memory fault through reservations and the VM-wide fallback. */
function dispatch_memory_fault(arm: ArmVmState, vcpu: vm_vcpu_t): vm_exit_result_t {
  const vm = arm.vm;
  const fault = vcpu_arch(vcpu).fault;
  let r: memory_fault_result_t = vm_memory_handle_fault(vm, vcpu, fault.addr, fault.size);
  if (r === FAULT_UNHANDLED) {
    const handler = vm.mem.unhandled_mem_fault_handler;
    if (handler === null) {
      fault.abandon();
      return fail(arm, `unhandled memory fault at 0x${fault.addr.toString(16)}`);
    }
    r = call_fault_callback(() =>
      handler(vm, vcpu, fault.addr, fault.size, vm.mem.unhandled_mem_fault_cookie),
    );
    if (r === FAULT_UNHANDLED) r = FAULT_ERROR;
  }
  switch (r) {
    case FAULT_HANDLED:
      return VM_EXIT_HANDLED;
    case FAULT_RESTART:
      return fault.restart() === 0 ? VM_EXIT_HANDLED : fail(arm, "restart failed");
    case FAULT_IGNORE:
      return fault.ignore() === 0 ? VM_EXIT_HANDLED : fail(arm, "ignore failed");
    default:
      fault.abandon();
      return fail(arm, `memory fault at 0x${fault.addr.toString(16)} is an error`);
  }
}

/** Guest HVC (an UnknownSyscall fault): PSCI over the HVC conduit, libsel4vm's own calls. */
function handle_hvc(arm: ArmVmState, vcpu: vm_vcpu_t, psci: PsciPlatform): vm_exit_result_t {
  const s = arm.sel4;
  const x = Array.from({ length: 8 }, (_, i) => s.seL4_GetMR(MR.seL4_UnknownSyscall_X0 + i));
  const ip = s.seL4_GetMR(MR.seL4_UnknownSyscall_FaultIP);
  const fault = vcpu_arch(vcpu).fault;
  if (fault.new_vcpu_fault("syscall", ip, 0) !== null)
    return fail(arm, "HVC: cannot take the fault");
  const regs = fault.get_regs();
  if (regs === null) return fail(arm, "HVC: cannot read registers");
  const result = handle_psci(psci, Number(x[0]! & 0xffff_ffffn), x[1]!, x[2]!, x[3]!);
  if (result.kind === "no_return") return VM_EXIT_HANDLED;
  if (result.kind === "return") {
    regs.x0 = result.x0;
  } else {
    const call = Number(x[7]! & 0xffff_ffffn);
    // 65 and 67 are no-ops on AArch64; everything else is an unknown SMCCC function.
    if (call !== SYS_PA_TO_IPA && call !== SYS_NOP) regs.x0 = SMCCC_NOT_SUPPORTED;
  }
  fault.set_regs(regs);
  return fault.advance() === 0 ? VM_EXIT_HANDLED : fail(arm, "HVC: cannot resume");
}

/** A VCPUFault: the registered callback, else the default dispatch. */
function handle_vcpu_fault(arm: ArmVmState, vcpu: vm_vcpu_t, hsr: number): vm_exit_result_t {
  const a = vcpu_arch(vcpu);
  if (a.fault.new_vcpu_fault("vcpu", null, hsr) !== null)
    return fail(arm, "VCPU fault: cannot take it");
  const cb = a.unhandled_vcpu_callback ?? vmm_handle_arm_vcpu_exception(arm);
  let r: number;
  try {
    r = cb(vcpu, hsr, a.unhandled_vcpu_callback_cookie);
  } catch {
    r = -1;
  }
  if (r !== 0) {
    a.fault.abandon();
    return fail(
      arm,
      `VCPU fault HSR 0x${hsr.toString(16)} (EC 0x${HSR_EXCEPTION_CLASS(hsr).toString(16)}) not handled`,
    );
  }
  return VM_EXIT_HANDLED;
}

/**
 * The default VCPUFault handler (libsel4vmmplatsupport `vmm_handle_arm_vcpu_exception`): WFI/WFE
 * park the vCPU until an interrupt; SMC goes to the SMC handler; trapped system registers read as
 * zero and ignore writes (C killed the VM: bug A10); BRK is skipped; anything else is an error.
 */
export function vmm_handle_arm_vcpu_exception(
  arm: ArmVmState,
): (vcpu: vm_vcpu_t, hsr: number, cookie: unknown) => number {
  return (vcpu, hsr) => {
    const fault = vcpu_arch(vcpu).fault;
    switch (HSR_EXCEPTION_CLASS(hsr)) {
      case HSR_WFx_EXCEPTION:
        // Stay blocked; an interrupt for this vCPU resumes it (or one already waiting does).
        arm.wake_if_interrupted(vcpu);
        return 0;
      case HSR_SMC_64_EXCEPTION: {
        const regs = fault.get_regs();
        if (regs === null || arm.vm_smc_handler(vcpu, regs) !== 0) return -1;
        if (fault.handled) return 0; // the handler stopped or parked the vCPU
        fault.set_regs(regs);
        return fault.advance();
      }
      case HSR_SYSREG_64_EXCEPTION: {
        const regs = fault.get_regs();
        if (regs === null) return -1;
        const read = (hsr & 1) === 1;
        const rt = (hsr >>> 5) & 0x1f;
        if (read && rt !== 31) (regs as Record<string, bigint>)[`x${rt}`] = 0n;
        fault.set_regs(regs);
        return fault.advance();
      }
      case HSR_SWBRK_64_EXCEPTION:
      case HSR_BRK_LOW_EXCEPTION:
        return fault.ignore();
      default:
        return -1;
    }
  };
}

/**
 * The default SMC handler (`vm_smc_handle_default`): PSCI over the SMC conduit; any other service
 * answers SMCCC NOT_SUPPORTED in x0 (C stopped the VM: bug A8).
 */
export function smc_handle_with_psci(
  psci: PsciPlatform,
  vcpu: vm_vcpu_t,
  regs: seL4_UserContext_aarch64,
): number {
  const result = handle_psci(psci, Number(regs.x0 & 0xffff_ffffn), regs.x1, regs.x2, regs.x3);
  if (result.kind === "return") regs.x0 = result.x0 & MASK64;
  else if (result.kind === "not_psci") regs.x0 = SMCCC_NOT_SUPPORTED;
  return vcpu.vm.vm_initialised ? 0 : -1;
}

/** VGICMaintenance: the guest EOI'd list register `idx`. */
function handle_vgic_maintenance(arm: ArmVmState, vcpu: vm_vcpu_t): vm_exit_result_t {
  const idx = arm.sel4.seL4_GetMR(seL4_VGICMaintenance_IDX);
  if (arm.vgic === null) return fail(arm, "VGIC maintenance without a vGIC");
  // An unknown index (all ones) carries nothing to complete.
  if (idx < 64n && arm.vgic.maintenance(vcpu.vcpu_id, Number(idx)) !== 0) {
    return fail(arm, `VGIC maintenance for list register ${idx}`);
  }
  arm.sel4.seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
  return VM_EXIT_HANDLED;
}

/** VPPIEvent: inject the virtual timer; if it cannot be, ack it at once so it is not lost. */
function handle_vppi(arm: ArmVmState, vcpu: vm_vcpu_t): vm_exit_result_t {
  const irq = Number(arm.sel4.seL4_GetMR(seL4_VPPIEvent_IRQ) & 0x3ffn);
  const injected = arm.vgic !== null && arm.vgic.inject(vcpu.vcpu_id, irq) === 0;
  if (!injected && arm.sel4.seL4_ARM_VCPU_AckVPPI(vcpu.vcpu.cptr, irq) !== seL4_NoError) {
    return fail(arm, `VPPI ${irq}: cannot ack`);
  }
  arm.sel4.seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
  arm.wake_if_interrupted(vcpu);
  return VM_EXIT_HANDLED;
}
