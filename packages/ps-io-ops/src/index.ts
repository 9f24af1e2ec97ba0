/**
 * `@sel4/ps-io-ops`: libplatsupport's `ps_io_ops_t` family (io mapper, port I/O, DMA, malloc, FDT,
 * irq ops, interface registration) with the `ps_*` wrappers, and the seL4 implementations over
 * vka, vspace and simple.
 *
 * @packageDocumentation
 */
export { sel4platsupport_new_fdt_ops } from "./impl/fdt.js";
export { ps_new_interface_registration_ops } from "./impl/interface-registration.js";
export { PsIoUnmapError, sel4platsupport_new_io_mapper } from "./impl/io-mapper.js";
export { sel4platsupport_new_arch_ops, sel4platsupport_new_io_ops } from "./impl/io-ops.js";
export { type Sel4IoPortOps, sel4platsupport_get_io_port_ops } from "./impl/io-port-ops.js";
export {
  type irq_interface_config_t,
  type ntfn_id_t,
  Sel4IrqOps,
  sel4platsupport_new_irq_ops,
} from "./impl/irq.js";
export { ps_new_stdlib_malloc_ops } from "./impl/malloc.js";
export { sel4utils_new_page_dma_alloc } from "./impl/page-dma.js";
export * from "./types.js";
export * from "./wrappers.js";
