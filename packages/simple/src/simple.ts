/** The `simple_t` interface: what the running task was given at boot. */
import type { Sel4, seL4_CPtr, seL4_Error } from "@sel4/sel4";
import type { cspacepath_t } from "@sel4/vka";

/** One untyped as `nth_untyped` describes it (C's out-parameters). */
export interface SimpleUntyped {
  /** The untyped cap. */
  readonly cap: seL4_CPtr;
  /** log2 of its size in bytes. */
  readonly size_bits: number;
  /** Its physical base. */
  readonly paddr: number;
  /** Whether it is device memory. */
  readonly device: boolean;
}

/** What `frame_info` finds for a physical range: a cap covering it and the offset into that cap. */
export interface SimpleFrameInfo {
  /** Virtual address where the range is already mapped (the default never has one: `null`). */
  readonly vaddr: number | null;
  /** A cap covering the range (an untyped cap when `vaddr` is null). */
  readonly cap: seL4_CPtr;
  /** Offset of the range from the cap's base. */
  readonly ut_offset: number;
}

/** The architecture-specific members (`arch_simple_t`); absent members are not provided. */
export interface arch_simple_t {
  /** Puts the handler cap of `irq` at (`root`, `index`, `depth`). */
  irq?(irq: number, root: seL4_CPtr, index: seL4_CPtr, depth: number): seL4_Error;
  /** ARM: the handler cap of `irq` with a trigger mode (0 level, 1 edge) on `core`. */
  irq_trigger?(
    irq: number,
    trigger: number,
    core: number,
    root: seL4_CPtr,
    index: seL4_CPtr,
    depth: number,
  ): seL4_Error;
  /** x86: an IOPort cap for ports [`start_port`, `end_port`] at (`root`, `dest`, `depth`). */
  IOPort_cap?(
    start_port: number,
    end_port: number,
    root: seL4_CPtr,
    dest: seL4_CPtr,
    depth: number,
  ): seL4_Error;
  /** x86: the handler cap of an MSI. */
  msi?(
    root: seL4_CPtr,
    index: seL4_CPtr,
    depth: number,
    pci_bus: number,
    pci_dev: number,
    pci_func: number,
    handle: number,
    vector: number,
  ): seL4_Error;
  /** x86: the handler cap of an IOAPIC pin. */
  ioapic?(
    root: seL4_CPtr,
    index: seL4_CPtr,
    depth: number,
    ioapic: number,
    pin: number,
    level: number,
    polarity: number,
    vector: number,
  ): seL4_Error;
}

/**
 * The boot-environment interface (`simple_t`). An implementation holds the thread's `Sel4` for the
 * members that make system calls. "Not found" answers are `seL4_CapNull` (0) or `null`, as in C.
 */
export interface simple_t {
  /** The thread's system-call interface. */
  readonly sel4: Sel4;
  /** Puts a frame cap for physical address `paddr` at `path`. */
  frame_cap?(paddr: number, size_bits: number, path: cspacepath_t): seL4_Error;
  /** Virtual address at which `paddr` is already mapped, or `null`. */
  frame_mapping?(paddr: number, size_bits: number): number | null;
  /** A cap covering [`paddr`, `paddr` + 2^`size_bits`), or `null`. */
  frame_info?(paddr: number, size_bits: number): SimpleFrameInfo | null;
  /** Assigns `vspace` an ASID from the task's ASID pool. */
  ASID_assign(vspace: seL4_CPtr): seL4_Error;
  /** Number of caps the task can enumerate. */
  cap_count(): number;
  /** The `n`-th cap (0-based), or `seL4_CapNull`. */
  nth_cap(n: number): seL4_CPtr;
  /** Where initial cap `cap` (an `seL4_RootCNodeCapSlots` value) lives. */
  init_cap(cap: seL4_CPtr): seL4_CPtr;
  /** log2 of the root CNode's slot count. */
  cnode_size(): number;
  /** Number of untyped caps. */
  untyped_count(): number;
  /** The `n`-th untyped, or `null` when out of range. */
  nth_untyped(n: number): SimpleUntyped | null;
  /** Number of frames of the loaded image. */
  userimage_count(): number;
  /** The `n`-th image frame cap, or `seL4_CapNull`. */
  nth_userimage(n: number): seL4_CPtr;
  /** Number of cores. */
  core_count(): number;
  /** The SchedControl cap of `core` (MCS); `seL4_CapNull` otherwise. */
  sched_ctrl?(core: number): seL4_CPtr;
  /** Length (with header) of the extra-bootinfo chunk of `type`, or -1. */
  extended_bootinfo_len?(type: number): number;
  /** The extra-bootinfo chunk of `type` (with header), or `null`. */
  extended_bootinfo?(type: number): Uint8Array | null;
  /** A readable dump of the environment (returned, never printed). */
  print?(): string;
  /** Architecture members. */
  readonly arch_simple: arch_simple_t;
}
