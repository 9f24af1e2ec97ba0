/** `sel4platsupport_get_io_port_ops` (x86): port I/O through IOPort caps, cached per range. */
import { type Sel4_X86_64, seL4_NoError } from "@sel4/sel4";
import { simple_get_IOPort_cap, type simple_t } from "@sel4/simple";
import type { vka_t } from "@sel4/vka";
import { EINVAL, type ps_io_port_ops_t } from "../types.js";

/** Port ops that also release the IOPort caps they cached. */
export interface Sel4IoPortOps extends ps_io_port_ops_t {
  /** Deletes every cached IOPort cap and frees its slot. */
  release(): void;
}

/**
 * Port ops over `simple`'s IOPort control. C issues, uses and deletes a cap per access (and leaks
 * the slot when issuing fails, C bug #24); this keeps one cap per accessed range and frees the slot
 * of a failed issue.
 */
export function sel4platsupport_get_io_port_ops(simple: simple_t, vka: vka_t): Sel4IoPortOps {
  const sel4 = vka.sel4 as Sel4_X86_64;
  const caps = new Map<string, number>();

  const capFor = (port: number, io_size: number): number | null => {
    const key = `${port}:${io_size}`;
    const cached = caps.get(key);
    if (cached !== undefined) return cached;
    const slot = vka.cspace_alloc();
    if (slot.error !== 0) return null;
    const path = vka.cspace_make_path(slot.cptr);
    if (
      simple_get_IOPort_cap(
        simple,
        port,
        port + io_size - 1,
        path.root,
        path.capPtr,
        path.capDepth,
      ) !== seL4_NoError
    ) {
      vka.cspace_free(slot.cptr);
      return null;
    }
    caps.set(key, slot.cptr);
    return slot.cptr;
  };

  const valid = (port: number, io_size: number) =>
    sel4.config === "x86_64" &&
    Number.isInteger(port) &&
    port >= 0 &&
    port + io_size <= 0x1_0000 &&
    (io_size === 1 || io_size === 2 || io_size === 4);

  return {
    io_port_in_fn(port, io_size) {
      if (!valid(port, io_size)) return { error: -EINVAL, result: 0 };
      const cap = capFor(port, io_size);
      if (cap === null) return { error: -EINVAL, result: 0 };
      const r =
        io_size === 1
          ? sel4.seL4_X86_IOPort_In8(cap, port)
          : io_size === 2
            ? sel4.seL4_X86_IOPort_In16(cap, port)
            : sel4.seL4_X86_IOPort_In32(cap, port);
      return { error: r.error, result: r.result };
    },
    io_port_out_fn(port, io_size, val) {
      if (!valid(port, io_size) || !Number.isInteger(val) || val < 0 || val >= 2 ** (8 * io_size))
        return -EINVAL;
      const cap = capFor(port, io_size);
      if (cap === null) return -EINVAL;
      if (io_size === 1) return sel4.seL4_X86_IOPort_Out8(cap, port, val);
      if (io_size === 2) return sel4.seL4_X86_IOPort_Out16(cap, port, val);
      return sel4.seL4_X86_IOPort_Out32(cap, port, val);
    },
    release() {
      for (const cap of caps.values()) {
        const path = vka.cspace_make_path(cap);
        sel4.seL4_CNode_Delete(path.root, path.capPtr, path.capDepth);
        vka.cspace_free(cap);
      }
      caps.clear();
    },
  };
}
