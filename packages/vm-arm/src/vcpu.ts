/**
 * ARM vCPU set-up and register access (`arch/arm/boot.c`, `arch/arm/vm.c` `vcpu_start`,
 * `sel4vm/arch/guest_arm_context.h`, libsel4vmmplatsupport's `vcpu_set_bootargs`).
 */
import {
  type Sel4_AArch64,
  seL4_AllRights,
  seL4_CapInitThreadTCB,
  seL4_NilData,
  seL4_NoError,
  type seL4_UserContext_aarch64,
  seL4_UserContext_aarch64_fields,
  seL4_VCPUReg_Num,
  seL4_VCPUReg_VMPIDR_EL2,
  type seL4_Word,
} from "@sel4/sel4";
import { vka_alloc_tcb, vka_cspace_alloc_path } from "@sel4/vka";
import type { vm_t, vm_vcpu_t } from "@sel4/vm";
import { ArmFault } from "./fault.js";
import { ARM64_BOOT_SPSR } from "./linux.js";

/** log2 of the slots of the CNode every vCPU thread uses as its CSpace (`VM_CSPACE_SIZE_BITS`). */
export const VM_CSPACE_SIZE_BITS = 4;
/** Slot of vCPU 0's fault endpoint in that CNode; vCPU i uses slot 1 + i (`VM_FAULT_EP_SLOT`). */
export const VM_FAULT_EP_SLOT = 1;
/**
 * Badge bit that marks a message on the host endpoint as a vCPU fault: badge = this | vcpu_id.
 * C used badges 1..MAX_NUM_NODES, which collide with notification badges (C bug G7).
 */
export const VM_VCPU_BADGE_FLAG = 1n << 62n;
/** Most vCPUs per VM: the fault-endpoint slots of the 16-slot vCPU CNode. */
export const VM_MAX_VCPUS = (1 << VM_CSPACE_SIZE_BITS) - VM_FAULT_EP_SLOT;

/** `unhandled_vcpu_fault_callback_fn`: a VCPUFault nothing else handled; 0 = handled. */
export type unhandled_vcpu_fault_callback_fn = (
  vcpu: vm_vcpu_t,
  hsr: number,
  cookie: unknown,
) => number;

/** `struct vm_vcpu_arch` (ARM): the fault object and the VCPUFault callback. */
export interface vm_vcpu_arch_t {
  /** The vCPU's fault object. */
  readonly fault: ArmFault;
  /** Handler of VCPU faults. */
  unhandled_vcpu_callback: unhandled_vcpu_fault_callback_fn | null;
  /** Passed back to the callback. */
  unhandled_vcpu_callback_cookie: unknown;
}

const NUM_REGS = seL4_UserContext_aarch64_fields.length;

/** The ARM part of a vCPU (throws if the VM is not an ARM one). */
export function vcpu_arch(vcpu: vm_vcpu_t): vm_vcpu_arch_t {
  const a = vcpu.vcpu_arch as vm_vcpu_arch_t | null;
  if (a === null || !(a.fault instanceof ArmFault)) throw new TypeError("not an ARM vCPU");
  return a;
}

function sel4Of(vm: vm_t): Sel4_AArch64 {
  return vm.sel4 as Sel4_AArch64;
}

/**
 * `vm_create_vcpu_arch`: badged fault endpoint in the vCPU CNode, TCB configured on the guest
 * VSpace with no IPC buffer, priority, VCPU bound, fault object with its reply slot. The guest
 * CNode holds only fault endpoints: no self-cap for guest HVCs to use (C quirk A9). 0 or -1.
 */
export function vm_create_vcpu_arch(vm: vm_t, vcpu: vm_vcpu_t): number {
  const sel4 = sel4Of(vm);
  const epPath = vka_cspace_alloc_path(vm.vka);
  if (epPath.error !== 0 || epPath.path === null) return -1;
  const src = vm.vka.cspace_make_path(vm.host_endpoint);
  const badge = VM_VCPU_BADGE_FLAG | BigInt(vcpu.vcpu_id);
  const ep = epPath.path;
  if (
    sel4.seL4_CNode_Mint(
      ep.root,
      ep.capPtr,
      ep.capDepth,
      src.root,
      src.capPtr,
      src.capDepth,
      seL4_AllRights,
      badge,
    ) !== seL4_NoError
  ) {
    return -1;
  }
  const slot = VM_FAULT_EP_SLOT + vcpu.vcpu_id;
  const cnode = vm.cspace.cspace_obj.cptr;
  if (
    sel4.seL4_CNode_Copy(
      cnode,
      slot,
      VM_CSPACE_SIZE_BITS,
      ep.root,
      ep.capPtr,
      ep.capDepth,
      seL4_AllRights,
    ) !== seL4_NoError
  ) {
    return -1;
  }
  const tcb = vka_alloc_tcb(vm.vka);
  if (tcb.error !== 0) return -1;
  vcpu.tcb.tcb = tcb.object;
  const t = tcb.object.cptr;
  const root = vm.mem.vm_vspace_root.cptr;
  if (
    sel4.seL4_TCB_Configure(
      t,
      slot,
      cnode,
      vm.cspace.cspace_root_data,
      root,
      seL4_NilData,
      0,
      0,
    ) !== seL4_NoError
  ) {
    return -1;
  }
  const self = vm.simple.init_cap(seL4_CapInitThreadTCB);
  const prio = vcpu.tcb.priority;
  if (sel4.seL4_TCB_SetSchedParams(t, self, prio, prio) !== seL4_NoError) return -1;
  if (sel4.seL4_ARM_VCPU_SetTCB(vcpu.vcpu.cptr, t) !== seL4_NoError) return -1;
  const reply = vka_cspace_alloc_path(vm.vka);
  if (reply.error !== 0 || reply.path === null) return -1;
  const arch: vm_vcpu_arch_t = {
    fault: new ArmFault(vcpu, reply.path),
    unhandled_vcpu_callback: null,
    unhandled_vcpu_callback_cookie: null,
  };
  vcpu.vcpu_arch = arch;
  return 0;
}

/**
 * The VMPIDR a vCPU reports: bit 31 (RES1) set and Aff0 = its target CPU, the same shape for
 * every vCPU (C gave the boot vCPU 0x81000000 and the others no bit 31: bug A6).
 */
export function vcpu_mpidr(vcpu: vm_vcpu_t): bigint {
  const target = vcpu.target_cpu < 0 ? vcpu.vcpu_id : vcpu.target_cpu;
  return (1n << 31n) | BigInt(target & 0xff);
}

/** `vcpu_start` (ARM part): VMPIDR, then `seL4_TCB_Resume`. 0 or -1. */
export function vcpu_start_arch(vcpu: vm_vcpu_t): number {
  const sel4 = sel4Of(vcpu.vm);
  if (
    sel4.seL4_ARM_VCPU_WriteRegs(vcpu.vcpu.cptr, seL4_VCPUReg_VMPIDR_EL2, vcpu_mpidr(vcpu)) !==
    seL4_NoError
  ) {
    return -1;
  }
  return sel4.seL4_TCB_Resume(vcpu.tcb.tcb.cptr) === seL4_NoError ? 0 : -1;
}

/** Stops a vCPU (`vcpu_stop`): offline and suspended. 0 or -1. */
export function vcpu_stop(vcpu: vm_vcpu_t): number {
  vcpu.vcpu_online = false;
  return sel4Of(vcpu.vm).seL4_TCB_Suspend(vcpu.tcb.tcb.cptr) === seL4_NoError ? 0 : -1;
}

/**
 * Reads the guest's registers (`vm_get_thread_context`): from the pending fault's copy if a fault
 * is pending, else from the TCB. C's out-parameter is returned; null on a kernel error.
 */
export function vm_get_thread_context(vcpu: vm_vcpu_t): seL4_UserContext_aarch64 | null {
  const fault = vcpu_arch(vcpu).fault;
  if (!fault.handled) {
    const regs = fault.get_regs();
    return regs === null ? null : { ...regs };
  }
  const r = sel4Of(vcpu.vm).seL4_TCB_ReadRegisters(vcpu.tcb.tcb.cptr, false, 0, NUM_REGS);
  return r.error === seL4_NoError ? { ...r.regs } : null;
}

/**
 * Writes the guest's registers (`vm_set_thread_context`): into the pending fault's copy (applied
 * when the fault is advanced, lost if it is restarted), else to the TCB. 0 or -1.
 */
export function vm_set_thread_context(vcpu: vm_vcpu_t, context: seL4_UserContext_aarch64): number {
  const fault = vcpu_arch(vcpu).fault;
  if (!fault.handled) {
    fault.set_regs(context);
    return 0;
  }
  const err = sel4Of(vcpu.vm).seL4_TCB_WriteRegisters(
    vcpu.tcb.tcb.cptr,
    false,
    0,
    NUM_REGS,
    context,
  );
  return err === seL4_NoError ? 0 : -1;
}

/** Reads register `reg` (an index into `seL4_UserContext`, 0 = pc) (`vm_get_thread_context_reg`). */
export function vm_get_thread_context_reg(vcpu: vm_vcpu_t, reg: number): seL4_Word | null {
  const name = seL4_UserContext_aarch64_fields[reg];
  if (name === undefined) return null;
  const ctx = vm_get_thread_context(vcpu);
  return ctx === null ? null : ctx[name];
}

/** Writes register `reg` (`vm_set_thread_context_reg`). 0 or -1. */
export function vm_set_thread_context_reg(vcpu: vm_vcpu_t, reg: number, value: seL4_Word): number {
  const name = seL4_UserContext_aarch64_fields[reg];
  if (name === undefined || value < 0n || value >= 1n << 64n) return -1;
  const ctx = vm_get_thread_context(vcpu);
  if (ctx === null) return -1;
  ctx[name] = value;
  return vm_set_thread_context(vcpu, ctx);
}

/** Writes VCPU register `reg` (`seL4_VCPUReg_*`) (`vm_set_arm_vcpu_reg`). 0 or -1. */
export function vm_set_arm_vcpu_reg(vcpu: vm_vcpu_t, reg: number, value: seL4_Word): number {
  if (!Number.isInteger(reg) || reg < 0 || reg >= seL4_VCPUReg_Num) return -1;
  if (value < 0n || value >= 1n << 64n) return -1;
  return sel4Of(vcpu.vm).seL4_ARM_VCPU_WriteRegs(vcpu.vcpu.cptr, reg, value) === seL4_NoError
    ? 0
    : -1;
}

/** Reads VCPU register `reg` (`vm_get_arm_vcpu_reg`); null on error (C aborted). */
export function vm_get_arm_vcpu_reg(vcpu: vm_vcpu_t, reg: number): seL4_Word | null {
  if (!Number.isInteger(reg) || reg < 0 || reg >= seL4_VCPUReg_Num) return null;
  const r = sel4Of(vcpu.vm).seL4_ARM_VCPU_ReadRegs(vcpu.vcpu.cptr, reg);
  return r.error === seL4_NoError ? r.value : null;
}

/**
 * Sets the entry state of a vCPU (`vcpu_set_bootargs`, aarch64): pc = `pc`, x0 = `dtb`, every
 * other register 0, EL1h with D, A, I, F masked (C left them unmasked: bug A6). 0 or -1.
 */
export function vcpu_set_bootargs(
  vcpu: vm_vcpu_t,
  pc: seL4_Word,
  _mach_type: seL4_Word,
  dtb: seL4_Word,
): number {
  const ctx = Object.fromEntries(
    seL4_UserContext_aarch64_fields.map((f) => [f, 0n]),
  ) as seL4_UserContext_aarch64;
  ctx.pc = pc;
  ctx.x0 = dtb;
  ctx.spsr = ARM64_BOOT_SPSR;
  return vm_set_thread_context(vcpu, ctx);
}

/** Installs the VCPUFault handler (`vm_register_unhandled_vcpu_fault_callback`). 0 or -1. */
export function vm_register_unhandled_vcpu_fault_callback(
  vcpu: vm_vcpu_t,
  vcpu_fault_callback: unhandled_vcpu_fault_callback_fn,
  cookie: unknown,
): number {
  if (typeof vcpu_fault_callback !== "function") return -1;
  const a = vcpu_arch(vcpu);
  a.unhandled_vcpu_callback = vcpu_fault_callback;
  a.unhandled_vcpu_callback_cookie = cookie;
  return 0;
}
