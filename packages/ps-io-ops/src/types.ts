/** The `ps_io_ops_t` family (`platsupport/io.h` and friends). */

/** errno values the `ps_*` wrappers return (negated where C negates them). */
export const EINVAL = 22;
/** Out of memory. */
export const ENOMEM = 12;
/** Function not implemented. */
export const ENOSYS = 38;

/** Hints for how the host uses a mapping (`ps_mem_flags_t`); the seL4 implementations ignore them. */
export type ps_mem_flags_t = "PS_MEM_NORMAL" | "PS_MEM_HR" | "PS_MEM_HW";

/** Maps physical (device) memory (`ps_io_mapper_t`). */
export interface ps_io_mapper_t {
  /** Maps [`paddr`, `paddr` + `size`); returns the virtual address of `paddr`, or `null`. */
  io_map_fn(paddr: number, size: number, cached: boolean, flags: ps_mem_flags_t): number | null;
  /** Unmaps what `io_map_fn` returned (same address and size). */
  io_unmap_fn(vaddr: number, size: number): void;
}

/** Result of a port read: `error` 0 on success, then `result` holds the value. */
export interface PortInResult {
  /** 0 or a non-zero error. */
  readonly error: number;
  /** The value read (0 on failure). */
  readonly result: number;
}

/** x86 port I/O (`ps_io_port_ops_t`); `io_size` is 1, 2 or 4 bytes. */
export interface ps_io_port_ops_t {
  /** Reads `io_size` bytes from `port`. */
  io_port_in_fn(port: number, io_size: number): PortInResult;
  /** Writes `io_size` bytes of `val` to `port`; 0 or an error. */
  io_port_out_fn(port: number, io_size: number, val: number): number;
}

/** Result of an allocation of host memory: `error` 0 on success, then `ptr` is the buffer. */
export interface PsAllocResult {
  /** 0 or a positive errno. */
  readonly error: number;
  /** The buffer (`null` on failure). */
  readonly ptr: Uint8Array | null;
}

/** Host heap for drivers (`ps_malloc_ops_t`); buffers are byte arrays. */
export interface ps_malloc_ops_t {
  /** Allocates `size` bytes. */
  malloc(size: number): PsAllocResult;
  /** Allocates `nmemb` × `size` zeroed bytes. */
  calloc(nmemb: number, size: number): PsAllocResult;
  /** Frees a buffer of `size` bytes; 0 or an errno. */
  free(size: number, ptr: Uint8Array): number;
}

/** DMA cache maintenance (`dma_cache_op_t`). */
export type dma_cache_op_t =
  | "DMA_CACHE_OP_CLEAN"
  | "DMA_CACHE_OP_INVALIDATE"
  | "DMA_CACHE_OP_CLEAN_INVALIDATE";

/** DMA buffers: physically contiguous, pinnable (`ps_dma_man_t`). */
export interface ps_dma_man_t {
  /** Allocates `size` bytes aligned to `align`; returns the virtual address or `null`. */
  dma_alloc_fn(size: number, align: number, cached: boolean, flags: ps_mem_flags_t): number | null;
  /** Frees a buffer. */
  dma_free_fn(addr: number, size: number): void;
  /** Pins [`addr`, `addr` + `size`) and returns its physical address, or 0. */
  dma_pin_fn(addr: number, size: number): number;
  /** Unpins what was pinned. */
  dma_unpin_fn(addr: number, size: number): void;
  /** Cache maintenance over a range. */
  dma_cache_op_fn(addr: number, size: number, op: dma_cache_op_t): void;
}

/** The device tree (`ps_io_fdt_t`). */
export interface ps_io_fdt_t {
  /** The flattened device tree blob, or `null`. */
  get_fn(): Uint8Array | null;
}

/** Level or edge (`irq_trigger_type_t`). */
export type irq_trigger_type_t = "PS_LEVEL_TRIGGERED" | "PS_EDGE_TRIGGERED";

/** An interrupt description (`ps_irq_t`). */
export type ps_irq_t =
  | { readonly type: "PS_INTERRUPT"; readonly irq: { readonly number: number } }
  | {
      readonly type: "PS_TRIGGER";
      readonly trigger: { readonly number: number; readonly trigger: irq_trigger_type_t };
    }
  | {
      readonly type: "PS_IOAPIC";
      readonly ioapic: {
        readonly ioapic: number;
        readonly pin: number;
        readonly level: number;
        readonly polarity: number;
        readonly vector: number;
      };
    }
  | {
      readonly type: "PS_MSI";
      readonly msi: {
        readonly pci_bus: number;
        readonly pci_dev: number;
        readonly pci_func: number;
        readonly handle: number;
        readonly vector: number;
      };
    };

/** An interrupt registration id (`irq_id_t`): ≥ 0, or a negative errno. */
export type irq_id_t = number;

/** Not an id (`PS_INVALID_IRQ_ID`). */
export const PS_INVALID_IRQ_ID = -1;

/** Acknowledges an interrupt; call exactly once per delivery (later calls do nothing). */
export type ps_irq_acknowledge_fn_t = () => number;

/** Called when a registered interrupt fires. */
export type irq_callback_fn_t = (ack: ps_irq_acknowledge_fn_t) => void;

/** Interrupt registration (`ps_irq_ops_t`). */
export interface ps_irq_ops_t {
  /** Registers `callback` for `irq`; returns its id or a negative errno. */
  irq_register_fn(irq: ps_irq_t, callback: irq_callback_fn_t): irq_id_t;
  /** Unregisters; 0 or a negative errno. */
  irq_unregister_fn(irq_id: irq_id_t): number;
}

/** Interface kinds drivers publish (`ps_interface_type_t`). */
export type ps_interface_type_t =
  | "PS_NULL_INTERFACE"
  | "TX2_BPMP_INTERFACE"
  | "PS_GPIO_INTERFACE"
  | "PS_CLOCK_INTERFACE"
  | "PS_RESET_INTERFACE"
  | "PS_ETHERNET_INTERFACE";

/** A match (`PS_INTERFACE_FOUND_MATCH`). */
export const PS_INTERFACE_FOUND_MATCH = 0;
/** No match (`PS_INTERFACE_NO_MATCH`). */
export const PS_INTERFACE_NO_MATCH = 1;

/** Service discovery between drivers (`ps_interface_registration_ops_t`). */
export interface ps_interface_registration_ops_t {
  /** Publishes `instance` of `type`; 0 or a negative errno. */
  interface_register_fn(
    type: ps_interface_type_t,
    instance: unknown,
    properties: readonly string[],
  ): number;
  /** Withdraws it; 0 or a negative errno. */
  interface_unregister_fn(type: ps_interface_type_t, instance: unknown): number;
  /** Offers each instance of `type` to `handler` until it answers `PS_INTERFACE_FOUND_MATCH`; 0 if found, else a negative errno. */
  interface_find_fn(
    type: ps_interface_type_t,
    handler: (instance: unknown, properties: readonly string[]) => number,
  ): number;
}

/** The aggregate (`ps_io_ops_t`); absent members are not provided. */
export interface ps_io_ops_t {
  /** Device memory mapping. */
  io_mapper?: ps_io_mapper_t;
  /** x86 port I/O. */
  io_port_ops?: ps_io_port_ops_t;
  /** DMA buffers. */
  dma_manager?: ps_dma_man_t;
  /** Device tree. */
  io_fdt?: ps_io_fdt_t;
  /** Driver service discovery. */
  interface_registration_ops?: ps_interface_registration_ops_t;
  /** Host heap. */
  malloc_ops?: ps_malloc_ops_t;
  /** Interrupts. */
  irq_ops?: ps_irq_ops_t;
}
