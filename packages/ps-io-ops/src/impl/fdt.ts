/** `sel4platsupport_new_fdt_ops`: the device tree from the extra BootInfo. */
import { SEL4_BOOTINFO_HEADER_FDT } from "@sel4/sel4";
import { simple_get_extended_bootinfo, type simple_t } from "@sel4/simple";
import type { ps_io_fdt_t } from "../types.js";

/** Size of `seL4_BootInfoHeader`. */
const HEADER_BYTES = 16;

/** FDT ops returning the blob of the `SEL4_BOOTINFO_HEADER_FDT` chunk without its header (or `null`). */
export function sel4platsupport_new_fdt_ops(simple: simple_t): ps_io_fdt_t {
  const chunk = simple_get_extended_bootinfo(simple, SEL4_BOOTINFO_HEADER_FDT);
  const blob = chunk && chunk.byteLength > HEADER_BYTES ? chunk.slice(HEADER_BYTES) : null;
  return { get_fn: () => blob };
}
