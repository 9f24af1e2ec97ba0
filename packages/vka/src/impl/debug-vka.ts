/** `vka_init_debugvka`: a checking wrapper around another allocator. */
import type { seL4_CPtr } from "@sel4/sel4";
import { type UtCookie, VkaUsageError, type vka_t } from "../types.js";

/**
 * Wraps `tracee` and checks its use and its answers, throwing `VkaUsageError` where debug-vka
 * aborts: the allocator handing out slot 0 or a live slot or cookie again; freeing a slot or
 * memory that is not live; freeing memory with another type or size than it was allocated with.
 * Unlike C's fixed arrays the tracking never fills up.
 */
export function vka_init_debugvka(tracee: vka_t): vka_t {
  const slots = new Set<seL4_CPtr>();
  const objects = new Map<UtCookie, { readonly type: number; readonly size_bits: number }>();
  const track = (
    r: { readonly error: number; readonly cookie: UtCookie },
    type: number,
    size_bits: number,
  ) => {
    if (r.error !== 0) return r;
    if (objects.has(r.cookie))
      throw new VkaUsageError(`allocator handed out live cookie ${r.cookie} again`);
    objects.set(r.cookie, { type, size_bits });
    return r;
  };
  return {
    sel4: tracee.sel4,
    cspace_alloc() {
      const r = tracee.cspace_alloc();
      if (r.error !== 0) return r;
      if (r.cptr === 0) throw new VkaUsageError("allocator handed out slot 0");
      if (slots.has(r.cptr))
        throw new VkaUsageError(`allocator handed out live slot ${r.cptr} again`);
      slots.add(r.cptr);
      return r;
    },
    cspace_make_path: (slot) => tracee.cspace_make_path(slot),
    cspace_free(slot) {
      if (!slots.has(slot)) throw new VkaUsageError(`slot ${slot} is not live`);
      tracee.cspace_free(slot);
      slots.delete(slot);
    },
    utspace_alloc: (dest, type, size_bits) =>
      track(tracee.utspace_alloc(dest, type, size_bits), type, size_bits),
    utspace_alloc_maybe_device: (dest, type, size_bits, can_use_dev) =>
      track(tracee.utspace_alloc_maybe_device(dest, type, size_bits, can_use_dev), type, size_bits),
    utspace_alloc_at: (dest, type, size_bits, paddr) =>
      track(tracee.utspace_alloc_at(dest, type, size_bits, paddr), type, size_bits),
    utspace_free(type, size_bits, cookie) {
      const rec = objects.get(cookie);
      if (!rec) throw new VkaUsageError(`cookie ${cookie} is not live`);
      if (rec.type !== type || rec.size_bits !== size_bits) {
        throw new VkaUsageError(
          `cookie ${cookie} allocated as type ${rec.type} size ${rec.size_bits}, freed as type ${type} size ${size_bits}`,
        );
      }
      tracee.utspace_free(type, size_bits, cookie);
      objects.delete(cookie);
    },
    utspace_paddr: (cookie, type, size_bits) => tracee.utspace_paddr(cookie, type, size_bits),
  };
}
