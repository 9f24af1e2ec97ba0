/** Building the default allocator from the boot environment. */

import { seL4_WordBits } from "@sel4/sel4";
import {
  simple_get_cnode,
  simple_get_cnode_size_bits,
  simple_last_valid_cap,
  type simple_t,
} from "@sel4/simple";
import { Allocman } from "./allocman.js";
import { SingleLevelCSpace } from "./cspace/single-level.js";
import type { ManagedUntyped } from "./utspace/buddy.js";

/** The untypeds `simple` reports, as the allocator's pools see them. */
export function untypeds_of_simple(simple: simple_t): ManagedUntyped[] {
  const out: ManagedUntyped[] = [];
  for (let i = 0; i < simple.untyped_count(); i++) {
    const u = simple.nth_untyped(i);
    if (u)
      out.push({
        cap: u.cap,
        paddr: u.paddr,
        size_bits: u.size_bits,
        pool: u.device ? "device" : "ram",
      });
  }
  return out;
}

/** The free slots of the root CNode: everything after the last cap `simple` enumerates. */
export function root_cspace_of_simple(simple: simple_t): SingleLevelCSpace {
  const bits = simple_get_cnode_size_bits(simple);
  return new SingleLevelCSpace({
    cnode: simple_get_cnode(simple),
    cnode_size_bits: bits,
    cnode_guard_bits: seL4_WordBits - bits,
    first_slot: simple_last_valid_cap(simple) + 1,
    end_slot: 2 ** bits,
  });
}

/**
 * The allocator of a root task (`bootstrap_use_current_simple`): the root CNode's free slots and
 * every untyped `simple` reports. Nothing is allocated before the first request. `options.coalesce`
 * as for {@link Allocman}.
 */
export function bootstrap_use_current_simple(
  simple: simple_t,
  options: { readonly coalesce?: "eager" | "lazy" } = {},
): Allocman {
  return new Allocman(
    simple.sel4,
    root_cspace_of_simple(simple),
    untypeds_of_simple(simple),
    options,
  );
}

/** `allocman_make_vka`: an `Allocman` already is a `vka_t`; returned as is for familiarity. */
export function allocman_make_vka(allocman: Allocman): Allocman {
  return allocman;
}
