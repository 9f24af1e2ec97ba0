/** `sel4vm/boot.h`: creating a VM and its vCPUs. */

import type { ps_io_ops_t } from "@sel4/ps-io-ops";
import type { Sel4, seL4_CPtr } from "@sel4/sel4";
import { vka_alloc_vcpu, type vka_object_t, type vka_t } from "@sel4/vka";
import type { vspace_t } from "@sel4/vspace";
import { new_reservation_cookie } from "./guest-memory.js";
import { VM_GUEST_UNKNOWN_EXIT } from "./guest-vm-exits.js";
import type { VmArchFactory, VmSimple, vm_guest_vspace_t, vm_t, vm_vcpu_t } from "./types.js";

/** Id of the boot vCPU (`BOOT_VCPU`). */
export const BOOT_VCPU = 0;

const NO_OBJECT: vka_object_t = Object.freeze({ cptr: 0, ut: 0, type: 0, size_bits: 0 });

/** The guest address space before `vm_init_arch` builds the real one: nothing is mapped. */
const NO_GUEST_VSPACE: vm_guest_vspace_t = Object.freeze({
  map_frame: () => -1,
  unmap_frame: () => -1,
  access_page: () => -1,
});

/**
 * Creates a VM (`vm_init`). TypeScript differences: the thread's `Sel4` comes first (C's implicit
 * libsel4), then the architecture (`arch`, C links one statically), then C's parameters in C
 * order; the VM is returned (C fills a caller-allocated `vm_t`), or null when the arch set-up
 * fails (C asserts).
 */
export function vm_init(
  sel4: Sel4,
  arch: VmArchFactory,
  vka: vka_t,
  host_simple: VmSimple,
  host_vspace: vspace_t | null,
  io_ops: ps_io_ops_t | null,
  host_endpoint: seL4_CPtr,
  name: string,
): vm_t | null {
  const vm: vm_t = {
    sel4,
    arch: undefined as never,
    num_vcpus: 0,
    vcpus: [],
    mem: {
      vm_vspace: NO_GUEST_VSPACE,
      vm_vspace_root: NO_OBJECT,
      vmm_vspace: host_vspace,
      num_ram_regions: 0,
      ram_regions: [],
      reservation_cookie: new_reservation_cookie(),
      unhandled_mem_fault_handler: null,
      unhandled_mem_fault_cookie: null,
      clean_cache: false,
      map_one_to_one: false,
    },
    run: {
      exit_reason: VM_GUEST_UNKNOWN_EXIT,
      notification_callback: null,
      notification_callback_cookie: null,
    },
    cspace: { cspace_obj: NO_OBJECT, cspace_root_data: 0n },
    host_endpoint,
    vka,
    io_ops,
    simple: host_simple,
    entry: 0,
    vm_name: String(name),
    vm_id: 0,
    vm_initialised: false,
  };
  vm.arch = arch(vm);
  if (vm.arch.vm_init_arch(vm) !== 0) return null;
  vm.vm_initialised = true;
  return vm;
}

/**
 * Creates a vCPU (`vm_create_vcpu`): a kernel VCPU object plus the architecture's set-up (ARM: a
 * suspended TCB whose faults reach the host endpoint). Ids are 0, 1, ... per VM (C bug G1).
 * Returns null when the VM has its maximum of vCPUs or an allocation fails.
 */
export function vm_create_vcpu(vm: vm_t, priority: number): vm_vcpu_t | null {
  if (!vm.vm_initialised || vm.num_vcpus >= vm.arch.max_num_vcpus) return null;
  if (!Number.isInteger(priority) || priority < 0 || priority > 255) return null;
  const obj = vka_alloc_vcpu(vm.vka);
  if (obj.error !== 0) return null;
  const vcpu: vm_vcpu_t = {
    vm,
    vcpu: obj.object,
    tcb: { tcb: NO_OBJECT, sc: NO_OBJECT, sched_ctrl: NO_OBJECT, priority },
    vcpu_id: vm.num_vcpus,
    target_cpu: -1,
    vcpu_online: false,
    vcpu_arch: null,
  };
  if (vm.arch.vm_create_vcpu_arch(vm, vcpu) !== 0) return null;
  vm.vcpus[vm.num_vcpus++] = vcpu;
  return vcpu;
}

/**
 * Makes `vcpu` represent guest CPU `target_cpu` (`vm_assign_vcpu_target`). -1 if another vCPU of
 * the VM already has that target; `target_cpu` -1 unassigns and always succeeds (C bug G8).
 */
export function vm_assign_vcpu_target(vcpu: vm_vcpu_t | null, target_cpu: number): number {
  if (vcpu === null || !Number.isInteger(target_cpu) || target_cpu < -1) return -1;
  if (target_cpu !== -1 && vcpu.vm.vcpus.some((v) => v !== vcpu && v.target_cpu === target_cpu)) {
    return -1;
  }
  vcpu.target_cpu = target_cpu;
  return 0;
}
