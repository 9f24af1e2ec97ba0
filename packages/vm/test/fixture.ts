/**
 * A VM record for the pure parts: bookkeeping, fault dispatch and RAM lists need no kernel. Its
 * guest address space is a map of frames over host byte arrays, enough to check which frames the
 * library maps and unmaps and what `vm_ram_touch` reads and writes.
 */
import {
  new_reservation_cookie,
  VM_GUEST_UNKNOWN_EXIT,
  type vm_frame_t,
  type vm_guest_vspace_t,
  type vm_t,
  type vm_vcpu_t,
} from "../src/index.js";

/** A guest address space that keeps frames in a map and backs each with zeroed bytes. */
export class ByteGuestSpace implements vm_guest_vspace_t {
  readonly frames = new Map<number, { frame: vm_frame_t; bytes: Uint8Array }>();
  /** Fail the n-th map call (0-based), to exercise rollback. */
  failAt = -1;
  maps = 0;

  map_frame(frame: vm_frame_t): number {
    if (this.maps++ === this.failAt) return -1;
    for (const { frame: f } of this.frames.values()) {
      if (f.vaddr < frame.vaddr + 2 ** frame.size_bits && frame.vaddr < f.vaddr + 2 ** f.size_bits)
        return -1;
    }
    this.frames.set(frame.vaddr, { frame, bytes: new Uint8Array(2 ** frame.size_bits) });
    return 0;
  }

  unmap_frame(vaddr: number, size_bits: number): number {
    const f = this.frames.get(vaddr);
    if (f === undefined || f.frame.size_bits !== size_bits) return -1;
    this.frames.delete(vaddr);
    return 0;
  }

  access_page(page: number, fn: (bytes: Uint8Array) => number): number {
    for (const { frame, bytes } of this.frames.values()) {
      const size = 2 ** frame.size_bits;
      if (frame.vaddr <= page && page < frame.vaddr + size) {
        const off = page - frame.vaddr;
        return fn(bytes.subarray(off, off + 0x1000));
      }
    }
    return -1;
  }
}

/** A VM record with no kernel behind it (vm_init needs one; these tests do not). */
export function bareVm(space: vm_guest_vspace_t = new ByteGuestSpace()): vm_t {
  const none = { cptr: 0, ut: 0, type: 0, size_bits: 0 };
  const vm = {
    sel4: undefined as never,
    arch: undefined as never,
    num_vcpus: 0,
    vcpus: [],
    mem: {
      vm_vspace: space,
      vm_vspace_root: none,
      vmm_vspace: null,
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
    cspace: { cspace_obj: none, cspace_root_data: 0n },
    host_endpoint: 0,
    vka: undefined as never,
    io_ops: null,
    simple: undefined as never,
    entry: 0,
    vm_name: "test",
    vm_id: 0,
    vm_initialised: true,
  } satisfies vm_t;
  return vm;
}

/** A vCPU record of `vm` (fault dispatch only passes it through). */
export function bareVcpu(vm: vm_t, id = 0): vm_vcpu_t {
  const none = { cptr: 0, ut: 0, type: 0, size_bits: 0 };
  const vcpu: vm_vcpu_t = {
    vm,
    vcpu: none,
    tcb: { tcb: none, sc: none, sched_ctrl: none, priority: 0 },
    vcpu_id: id,
    target_cpu: -1,
    vcpu_online: false,
    vcpu_arch: null,
  };
  vm.vcpus.push(vcpu);
  vm.num_vcpus++;
  return vcpu;
}
