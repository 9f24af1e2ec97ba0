/** `sel4platsupport_new_io_ops` and `sel4platsupport_new_arch_ops`. */
import type { simple_t } from "@sel4/simple";
import type { vka_t } from "@sel4/vka";
import type { vspace_t } from "@sel4/vspace";
import type { ps_io_ops_t } from "../types.js";
import { sel4platsupport_new_fdt_ops } from "./fdt.js";
import { ps_new_interface_registration_ops } from "./interface-registration.js";
import { sel4platsupport_new_io_mapper } from "./io-mapper.js";
import { sel4platsupport_get_io_port_ops } from "./io-port-ops.js";
import { sel4platsupport_new_irq_ops } from "./irq.js";
import { ps_new_stdlib_malloc_ops } from "./malloc.js";

/**
 * The io ops of a task (`sel4platsupport_new_io_ops`): malloc, io mapper, FDT, irq ops and
 * interface registration. Port I/O is added by {@link sel4platsupport_new_arch_ops}; a DMA manager
 * by `sel4utils_new_page_dma_alloc`.
 */
export function sel4platsupport_new_io_ops(
  vspace: vspace_t,
  vka: vka_t,
  simple: simple_t,
): ps_io_ops_t {
  return {
    malloc_ops: ps_new_stdlib_malloc_ops(),
    io_mapper: sel4platsupport_new_io_mapper(vspace, vka),
    io_fdt: sel4platsupport_new_fdt_ops(simple),
    irq_ops: sel4platsupport_new_irq_ops(vka, simple),
    interface_registration_ops: ps_new_interface_registration_ops(),
  };
}

/** Adds the architecture's ops (`sel4platsupport_new_arch_ops`): port I/O on x86, nothing on ARM. */
export function sel4platsupport_new_arch_ops(
  io_ops: ps_io_ops_t,
  simple: simple_t,
  vka: vka_t,
): ps_io_ops_t {
  if (vka.sel4.config === "x86_64")
    io_ops.io_port_ops = sel4platsupport_get_io_port_ops(simple, vka);
  return io_ops;
}
