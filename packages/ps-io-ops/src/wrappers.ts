/** The `ps_*` wrappers. A missing table (absent member of `ps_io_ops_t`) is an error result, never a crash. */
import {
  type dma_cache_op_t,
  EINVAL,
  ENOSYS,
  type irq_callback_fn_t,
  type irq_id_t,
  type PortInResult,
  type PsAllocResult,
  type ps_dma_man_t,
  type ps_interface_registration_ops_t,
  type ps_interface_type_t,
  type ps_io_fdt_t,
  type ps_io_mapper_t,
  type ps_io_port_ops_t,
  type ps_irq_ops_t,
  type ps_irq_t,
  type ps_malloc_ops_t,
  type ps_mem_flags_t,
} from "./types.js";

/** `ps_io_map`: the virtual address of `paddr`, or `null` (also without a mapper). */
export function ps_io_map(
  mapper: ps_io_mapper_t | undefined,
  paddr: number,
  size: number,
  cached: boolean,
  flags: ps_mem_flags_t,
): number | null {
  return mapper ? mapper.io_map_fn(paddr, size, cached, flags) : null;
}

/** `ps_io_unmap`. */
export function ps_io_unmap(mapper: ps_io_mapper_t | undefined, vaddr: number, size: number): void {
  mapper?.io_unmap_fn(vaddr, size);
}

/** `ps_io_port_in`: `-ENOSYS` without port ops. */
export function ps_io_port_in(
  ops: ps_io_port_ops_t | undefined,
  port: number,
  io_size: number,
): PortInResult {
  return ops ? ops.io_port_in_fn(port, io_size) : { error: -ENOSYS, result: 0 };
}

/** `ps_io_port_out`: `-ENOSYS` without port ops. */
export function ps_io_port_out(
  ops: ps_io_port_ops_t | undefined,
  port: number,
  io_size: number,
  val: number,
): number {
  return ops ? ops.io_port_out_fn(port, io_size, val) : -ENOSYS;
}

/**
 * `ps_malloc`: `EINVAL` without ops. A zero-size request returns an empty buffer (C returns 0
 * without setting the pointer, C bug #25).
 */
export function ps_malloc(ops: ps_malloc_ops_t | undefined, size: number): PsAllocResult {
  if (!ops) return { error: EINVAL, ptr: null };
  if (size === 0) return { error: 0, ptr: new Uint8Array(0) };
  return ops.malloc(size);
}

/** `ps_calloc`: as {@link ps_malloc}, zeroed. */
export function ps_calloc(
  ops: ps_malloc_ops_t | undefined,
  nmemb: number,
  size: number,
): PsAllocResult {
  if (!ops) return { error: EINVAL, ptr: null };
  if (nmemb === 0 || size === 0) return { error: 0, ptr: new Uint8Array(0) };
  return ops.calloc(nmemb, size);
}

/** `ps_free`: `EINVAL` without ops. */
export function ps_free(ops: ps_malloc_ops_t | undefined, size: number, ptr: Uint8Array): number {
  return ops ? ops.free(size, ptr) : EINVAL;
}

/** `ps_dma_alloc`: `null` without a DMA manager. */
export function ps_dma_alloc(
  dma: ps_dma_man_t | undefined,
  size: number,
  align: number,
  cached: boolean,
  flags: ps_mem_flags_t,
): number | null {
  return dma ? dma.dma_alloc_fn(size, align, cached, flags) : null;
}

/** `ps_dma_free`. */
export function ps_dma_free(dma: ps_dma_man_t | undefined, addr: number, size: number): void {
  dma?.dma_free_fn(addr, size);
}

/** `ps_dma_pin`: the physical address, or 0. */
export function ps_dma_pin(dma: ps_dma_man_t | undefined, addr: number, size: number): number {
  return dma ? dma.dma_pin_fn(addr, size) : 0;
}

/** `ps_dma_unpin`. */
export function ps_dma_unpin(dma: ps_dma_man_t | undefined, addr: number, size: number): void {
  dma?.dma_unpin_fn(addr, size);
}

/** `ps_dma_cache_op`. */
export function ps_dma_cache_op(
  dma: ps_dma_man_t | undefined,
  addr: number,
  size: number,
  op: dma_cache_op_t,
): void {
  dma?.dma_cache_op_fn(addr, size, op);
}

/** `ps_dma_cache_clean`. */
export function ps_dma_cache_clean(
  dma: ps_dma_man_t | undefined,
  addr: number,
  size: number,
): void {
  ps_dma_cache_op(dma, addr, size, "DMA_CACHE_OP_CLEAN");
}

/** `ps_dma_cache_invalidate`. */
export function ps_dma_cache_invalidate(
  dma: ps_dma_man_t | undefined,
  addr: number,
  size: number,
): void {
  ps_dma_cache_op(dma, addr, size, "DMA_CACHE_OP_INVALIDATE");
}

/** `ps_dma_cache_clean_invalidate`. */
export function ps_dma_cache_clean_invalidate(
  dma: ps_dma_man_t | undefined,
  addr: number,
  size: number,
): void {
  ps_dma_cache_op(dma, addr, size, "DMA_CACHE_OP_CLEAN_INVALIDATE");
}

/** `ps_io_fdt_get`: the blob or `null`. */
export function ps_io_fdt_get(fdt: ps_io_fdt_t | undefined): Uint8Array | null {
  return fdt ? fdt.get_fn() : null;
}

/** `ps_irq_register`: an id ≥ 0 or a negative errno (`-EINVAL` without ops). */
export function ps_irq_register(
  ops: ps_irq_ops_t | undefined,
  irq: ps_irq_t,
  callback: irq_callback_fn_t,
): irq_id_t {
  return ops ? ops.irq_register_fn(irq, callback) : -EINVAL;
}

/** `ps_irq_unregister`. */
export function ps_irq_unregister(ops: ps_irq_ops_t | undefined, irq_id: irq_id_t): number {
  return ops ? ops.irq_unregister_fn(irq_id) : -EINVAL;
}

/** `ps_interface_register`. */
export function ps_interface_register(
  ops: ps_interface_registration_ops_t | undefined,
  type: ps_interface_type_t,
  instance: unknown,
  properties: readonly string[],
): number {
  return ops ? ops.interface_register_fn(type, instance, properties) : -EINVAL;
}

/** `ps_interface_unregister`. */
export function ps_interface_unregister(
  ops: ps_interface_registration_ops_t | undefined,
  type: ps_interface_type_t,
  instance: unknown,
): number {
  return ops ? ops.interface_unregister_fn(type, instance) : -EINVAL;
}

/** `ps_interface_find`. */
export function ps_interface_find(
  ops: ps_interface_registration_ops_t | undefined,
  type: ps_interface_type_t,
  handler: (instance: unknown, properties: readonly string[]) => number,
): number {
  return ops ? ops.interface_find_fn(type, handler) : -EINVAL;
}
