/** `vka_init_nullvka`: an allocator that has nothing to give. */
import {
  type Sel4,
  seL4_CapInitThreadCNode,
  seL4_NotEnoughMemory,
  seL4_WordBits,
} from "@sel4/sel4";
import { VKA_NO_PADDR, VkaUsageError, type vka_t } from "../types.js";

/**
 * A `vka_t` whose allocations all fail (`seL4_NotEnoughMemory`), for APIs that demand an
 * allocator where none is needed. Frees report a usage error, since nothing was ever handed out.
 */
export function vka_init_nullvka(sel4: Sel4): vka_t {
  const nothing = (what: string) => {
    throw new VkaUsageError(`${what}: the null vka never allocated anything`);
  };
  return {
    sel4,
    cspace_alloc: () => ({ error: seL4_NotEnoughMemory, cptr: 0 }),
    cspace_make_path: (slot) => ({
      capPtr: slot,
      capDepth: seL4_WordBits,
      root: seL4_CapInitThreadCNode,
      dest: 0,
      destDepth: 0,
      offset: slot,
      window: 1,
    }),
    cspace_free: () => nothing("cspace_free"),
    utspace_alloc: () => ({ error: seL4_NotEnoughMemory, cookie: 0 }),
    utspace_alloc_maybe_device: () => ({ error: seL4_NotEnoughMemory, cookie: 0 }),
    utspace_alloc_at: () => ({ error: seL4_NotEnoughMemory, cookie: 0 }),
    utspace_free: () => nothing("utspace_free"),
    utspace_paddr: () => VKA_NO_PADDR,
  };
}
