/**
 * The structs and callback types of libsel4vm (`guest_vm.h`, `guest_memory.h`, `guest_ram.h`,
 * `guest_irq_controller.h`) and the {@link VmArch} contract an architecture package implements.
 * They live in one file because they refer to one another.
 */

import type { ps_io_ops_t } from "@sel4/ps-io-ops";
import type { Sel4, seL4_CapRights_t, seL4_CPtr, seL4_MessageInfo_t, seL4_Word } from "@sel4/sel4";
import type { vka_object_t, vka_t } from "@sel4/vka";
import type { vspace_t } from "@sel4/vspace";
import type { vm_exit_codes_t } from "./guest-vm-exits.js";

/** `memory_fault_result_t`: what a memory-fault callback did with the access. */
export type memory_fault_result_t = 0 | 1 | 2 | 3 | 4;

/**
 * `unhandled_mem_fault_callback_fn`: called for a guest memory fault that no reservation handled.
 * `paddr` is the guest-physical address, `len` the access width in bytes (0 for an instruction
 * fetch).
 */
export type unhandled_mem_fault_callback_fn = (
  vm: vm_t,
  vcpu: vm_vcpu_t,
  paddr: number,
  len: number,
  cookie: unknown,
) => memory_fault_result_t;

/**
 * `notification_callback_fn`: called by `vm_run` for every received message that is not a vCPU
 * fault. Return 0 to keep running; anything else stops `vm_run` with an error.
 */
export type notification_callback_fn = (
  vm: vm_t,
  badge: seL4_Word,
  tag: seL4_MessageInfo_t,
  cookie: unknown,
) => number;

/** `memory_fault_callback_fn`: the fault handler of a memory reservation. */
export type memory_fault_callback_fn = (
  vm: vm_t,
  vcpu: vm_vcpu_t,
  fault_addr: number,
  fault_length: number,
  cookie: unknown,
) => memory_fault_result_t;

/** `vm_frame_t`: one frame an iterator hands to the mapping loop. */
export interface vm_frame_t {
  /** Frame cap to map; `seL4_CapNull` (0) means the iterator failed. */
  readonly cptr: seL4_CPtr;
  /** Rights of the guest mapping. */
  readonly rights: seL4_CapRights_t;
  /** Guest-physical address to map the frame at (aligned to its size). */
  readonly vaddr: number;
  /** log2 of the frame size. */
  readonly size_bits: number;
}

/** `memory_map_iterator_fn`: returns the frame backing guest-physical address `addr`. */
export type memory_map_iterator_fn = (addr: number, cookie: unknown) => vm_frame_t;

/** `ram_touch_callback_fn`: called once per page-sized chunk by `vm_ram_touch`; non-zero aborts. */
export type ram_touch_callback_fn = (
  vm: vm_t,
  guest_addr: number,
  vmm_vaddr: Uint8Array,
  size: number,
  offset: number,
  cookie: unknown,
) => number;

/** `irq_ack_fn_t`: called when the guest has finished with an injected interrupt. */
export type irq_ack_fn_t = (vcpu: vm_vcpu_t, irq: number, cookie: unknown) => void;

/** `reservation_type_t`: a regular reservation or a carve-out of an anonymous region. */
export type reservation_type_t = "MEM_REGULAR_RES" | "MEM_ANON_RES";

/** `vm_memory_reservation_t`: a guest-physical range with a fault handler and, maybe, frames. */
export interface vm_memory_reservation_t {
  /** Start (guest-physical). */
  readonly addr: number;
  /** Size in bytes as requested (not rounded). */
  readonly size: number;
  /** Handler of faults inside the range. */
  readonly fault_callback: memory_fault_callback_fn;
  /** Passed back to `fault_callback`. */
  readonly fault_callback_cookie: unknown;
  /** Iterator of a mapping deferred to the first fault (null when none is pending). */
  memory_map_iterator: memory_map_iterator_fn | null;
  /** Cookie of the pending iterator. */
  memory_iterator_cookie: unknown;
  /** Whether frames back the whole range. */
  is_mapped: boolean;
  /** The frames mapped for this reservation, so it can be unmapped exactly (C bug M4). */
  readonly mapped_frames: { vaddr: number; size_bits: number }[];
  /** Regular or anonymous. */
  readonly res_type: reservation_type_t;
}

/** An anonymous region (`anon_region` of `guest_memory.c`) that `vm_reserve_anon_memory` carves up. */
export interface vm_anon_region_t {
  /** Start of the region. */
  readonly addr: number;
  /** Size of the region. */
  readonly size: number;
  /** Bump pointer: first address not yet carved out. */
  alloc_addr: number;
  /** The carve-outs, in allocation order. */
  readonly reservations: vm_memory_reservation_t[];
}

/** `vm_memory_reservation_cookie_t`: the regular and the anonymous reservation sets. */
export interface vm_memory_reservation_cookie_t {
  /** Regular reservations, sorted and non-overlapping. */
  readonly regular: ReservationSet<vm_memory_reservation_t>;
  /** Anonymous regions, sorted and non-overlapping. */
  readonly anon: ReservationSet<vm_anon_region_t>;
}

/** The operations the reservation sets need (an interval set; see `ResTree`). */
export interface ReservationSet<T> {
  /** Number of ranges. */
  readonly length: number;
  /** All ranges in address order. */
  entries(): readonly { readonly addr: number; readonly size: number; readonly data: T }[];
  /** Inserts a range; false if empty or overlapping. */
  insert(addr: number, size: number, data: T): boolean;
  /** The range containing `addr`, or null. */
  find(addr: number): { readonly addr: number; readonly size: number; readonly data: T } | null;
  /** Removes the range with exactly this start and size. */
  remove(addr: number, size: number): boolean;
}

/**
 * The guest-physical address space as libsel4vm's `guest_vspace.c` uses it: map and unmap single
 * frames in the guest's stage-2 / EPT root, and reach a guest page from the VMM. The architecture
 * package builds it in `vm_init_arch` (C builds it over sel4utils).
 */
export interface vm_guest_vspace_t {
  /** Maps one frame at `frame.vaddr` in the guest's address space; 0 on success, -1 on failure. */
  map_frame(frame: vm_frame_t): number;
  /** Unmaps the frame of `2^size_bits` bytes mapped at `vaddr`; 0 on success, -1 if none. */
  unmap_frame(vaddr: number, size_bits: number): number;
  /**
   * Runs `fn` on the bytes of the 4 KiB guest page at `page` (page aligned) as the VMM sees them;
   * returns `fn`'s result, or -1 if no frame backs the page.
   */
  access_page(page: number, fn: (bytes: Uint8Array) => number): number;
}

/** `struct vm_ram_region`: one guest RAM range. */
export interface vm_ram_region_t {
  /** Guest-physical start. */
  start: number;
  /** Size in bytes. */
  size: number;
  /** 0 = free, 1 = claimed by `vm_ram_mark_allocated` / `vm_ram_allocate`. */
  allocated: 0 | 1;
}

/** `struct vm_mem`: the guest's memory. */
export interface vm_mem_t {
  /** Guest-physical address space (stage-2 / EPT). */
  vm_vspace: vm_guest_vspace_t;
  /** Kernel object of the guest's address-space root. */
  vm_vspace_root: vka_object_t;
  /** The VMM's own address space as given to `vm_init` (`host_vspace`). */
  vmm_vspace: vspace_t | null;
  /** Number of entries of `ram_regions`. */
  num_ram_regions: number;
  /** Sorted, merged guest RAM ranges. */
  ram_regions: vm_ram_region_t[];
  /** The reservation sets. */
  reservation_cookie: vm_memory_reservation_cookie_t;
  /** VM-wide fallback for faults no reservation handled. */
  unhandled_mem_fault_handler: unhandled_mem_fault_callback_fn | null;
  /** Passed back to `unhandled_mem_fault_handler`. */
  unhandled_mem_fault_cookie: unknown;
  /** Set by the user: image loaders clean the data cache of each written page. */
  clean_cache: boolean;
  /** Set by the user: guest RAM at GPA X is backed by the frame at PA X. */
  map_one_to_one: boolean;
}

/** `struct vm_tcb`: the vCPU's thread (ARM). */
export interface vm_tcb_t {
  /** The TCB object. */
  tcb: vka_object_t;
  /** Scheduling context (MCS only; never allocated on this non-MCS configuration). */
  sc: vka_object_t;
  /** Scheduling-control cap (MCS only; unused). */
  sched_ctrl: vka_object_t;
  /** Priority given to `vm_create_vcpu`. */
  priority: number;
}

/** `struct vm_vcpu`: one virtual CPU. */
export interface vm_vcpu_t {
  /** The VM it belongs to. */
  readonly vm: vm_t;
  /** The kernel VCPU object. */
  vcpu: vka_object_t;
  /** The vCPU's thread (ARM). */
  tcb: vm_tcb_t;
  /** Logical id: 0, 1, ... per VM (C's process-wide counter is bug G1). */
  vcpu_id: number;
  /** The guest-visible CPU this vCPU represents; -1 = unassigned. */
  target_cpu: number;
  /** Set by `vcpu_start`. */
  vcpu_online: boolean;
  /** The architecture's per-vCPU state (owned by the {@link VmArch}). */
  vcpu_arch: unknown;
}

/** `struct vm_run`: event-loop state. */
export interface vm_run_t {
  /** Why the last `vm_run` stopped. */
  exit_reason: vm_exit_codes_t;
  /** Handler of non-fault messages. */
  notification_callback: notification_callback_fn | null;
  /** Passed back to `notification_callback`. */
  notification_callback_cookie: unknown;
}

/** `struct vm_cspace`: the CNode every guest vCPU thread uses as its CSpace (ARM). */
export interface vm_cspace_t {
  /** The CNode object. */
  cspace_obj: vka_object_t;
  /** Guard word that makes the small CNode resolve full-width cptrs. */
  cspace_root_data: seL4_Word;
}

/**
 * `struct vm`: one virtual machine. It also holds the thread's `Sel4`, through which every system
 * call of the library is made (C's implicit libsel4).
 */
export interface vm_t {
  /** The system-call interface of the VMM thread. */
  readonly sel4: Sel4;
  /** `struct vm_arch`: the architecture's per-VM state and operations. */
  arch: VmArch;
  /** Number of vCPUs created. */
  num_vcpus: number;
  /** vCPUs by `vcpu_id`. */
  vcpus: vm_vcpu_t[];
  /** Guest memory. */
  mem: vm_mem_t;
  /** Event-loop state. */
  run: vm_run_t;
  /** CSpace of the vCPU threads (ARM). */
  cspace: vm_cspace_t;
  /** Endpoint (ARM) or notification (x86) `vm_run` waits on. */
  host_endpoint: seL4_CPtr;
  /** The object allocator. */
  vka: vka_t;
  /** The `ps_io_ops_t` given to `vm_init` (unused by this library, kept for device models). */
  io_ops: ps_io_ops_t | null;
  /** The `simple_t` given to `vm_init`. */
  simple: VmSimple;
  /** Kernel entry address, set by the user for image loaders. */
  entry: number;
  /** Name given to `vm_init`. */
  vm_name: string;
  /** Identifier free for the user (never set by the library). */
  vm_id: number;
  /** True once `vm_init` succeeded. */
  vm_initialised: boolean;
}

/**
 * The members of `simple_t` libsel4vm uses: the VMM's own TCB and ASID assignment. Any `simple_t`
 * of `@sel4/simple` satisfies it (the library asks for no more, so a VMM may pass a smaller object).
 */
export interface VmSimple {
  /** Assigns `vspace` an ASID (`simple_ASIDPool_assign`); returns an `seL4_Error`. */
  ASID_assign(vspace: seL4_CPtr): number;
  /** The cap of the calling thread's TCB (`simple_get_tcb`). */
  init_cap(cap: seL4_CPtr): seL4_CPtr;
}

/**
 * The contract an architecture package (`@sel4/vm-arm`, `@sel4/vm-x86`) implements: one object per
 * VM, made by a {@link VmArchFactory} during `vm_init`. Each member is the architecture half of a
 * libsel4vm function of the same name.
 */
export interface VmArch {
  /** Short name of the architecture ("arm", "x86"). */
  readonly name: string;
  /** Most vCPUs one VM may have (C's `CONFIG_MAX_NUM_NODES`). */
  readonly max_num_vcpus: number;
  /** Creates the guest address space and arch state (`vm_init_arch`); 0 or -1. */
  vm_init_arch(vm: vm_t): number;
  /** Creates the arch part of a vCPU (`vm_create_vcpu_arch`); 0 or -1. */
  vm_create_vcpu_arch(vm: vm_t, vcpu: vm_vcpu_t): number;
  /** Starts a vCPU (`vcpu_start` after `vcpu_online` is set); 0 or -1. */
  vcpu_start_arch(vcpu: vm_vcpu_t): number;
  /** The event loop (`vm_run_arch`): resolves -1 on error, 0 when the guest stopped. */
  vm_run_arch(vm: vm_t): Promise<number>;
  /** `get_vcpu_fault_address`. */
  get_vcpu_fault_address(vcpu: vm_vcpu_t): number;
  /** `get_vcpu_fault_ip`. */
  get_vcpu_fault_ip(vcpu: vm_vcpu_t): seL4_Word;
  /** `get_vcpu_fault_data`. */
  get_vcpu_fault_data(vcpu: vm_vcpu_t): seL4_Word;
  /** `get_vcpu_fault_data_mask`. */
  get_vcpu_fault_data_mask(vcpu: vm_vcpu_t): seL4_Word;
  /** `get_vcpu_fault_size`. */
  get_vcpu_fault_size(vcpu: vm_vcpu_t): number;
  /** `is_vcpu_read_fault`. */
  is_vcpu_read_fault(vcpu: vm_vcpu_t): boolean;
  /** `set_vcpu_fault_data`; 0 or -1. */
  set_vcpu_fault_data(vcpu: vm_vcpu_t, data: seL4_Word): number;
  /** `advance_vcpu_fault`: complete the access and resume the vCPU past it. */
  advance_vcpu_fault(vcpu: vm_vcpu_t): void;
  /** `restart_vcpu_fault`: resume the vCPU at the same instruction. */
  restart_vcpu_fault(vcpu: vm_vcpu_t): void;
  /** `vm_inject_irq`; 0 or -1. */
  vm_inject_irq(vcpu: vm_vcpu_t, irq: number): number;
  /** `vm_set_irq_level`; 0 or -1. */
  vm_set_irq_level(vcpu: vm_vcpu_t, irq: number, irq_level: number): number;
  /** `vm_register_irq`; 0 or -1. */
  vm_register_irq(vcpu: vm_vcpu_t, irq: number, ack_fn: irq_ack_fn_t, cookie: unknown): number;
  /** `vm_create_default_irq_controller`; 0 or -1. */
  vm_create_default_irq_controller(vm: vm_t): number;
  /** `vm_guest_add_iospace`, where the architecture supports I/O address spaces; 0 or -1. */
  vm_guest_add_iospace?(vm: vm_t, loader: unknown, iospace: number): number;
}

/** Makes the {@link VmArch} of a new VM (called once by `vm_init`). */
export type VmArchFactory = (vm: vm_t) => VmArch;

/** `struct vm` (C's struct name for {@link vm_t}). */
export type vm = vm_t;
/** `struct vm_vcpu` (C's struct name for {@link vm_vcpu_t}). */
export type vm_vcpu = vm_vcpu_t;
/** `struct vm_mem` (C's struct name for {@link vm_mem_t}). */
export type vm_mem = vm_mem_t;
/** `struct vm_ram_region` (C's struct name for {@link vm_ram_region_t}). */
export type vm_ram_region = vm_ram_region_t;
/** `struct vm_tcb` (C's struct name for {@link vm_tcb_t}). */
export type vm_tcb = vm_tcb_t;
/** `struct vm_cspace` (C's struct name for {@link vm_cspace_t}). */
export type vm_cspace = vm_cspace_t;
