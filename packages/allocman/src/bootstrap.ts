/** Building the default allocator from the boot environment. */

import {
  seL4_AllRights,
  seL4_CNode_CapData_new,
  seL4_WordBits,
  wordFromCNodeCapData,
} from "@sel4/sel4";
import {
  simple_get_cnode,
  simple_get_cnode_size_bits,
  simple_get_pd,
  simple_get_tcb,
  simple_last_valid_cap,
  type simple_t,
} from "@sel4/simple";
import { vka_alloc_cnode_object } from "@sel4/vka";
import { Allocman } from "./allocman.js";
import { SingleLevelCSpace } from "./cspace/single-level.js";
import { TwoLevelCSpace } from "./cspace/two-level.js";
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

/** Options of {@link bootstrap_new_2level_simple}. */
export interface TwoLevelBootstrapOptions {
  /** log2 of the level-1 slot count (default 4: 16 level-2 nodes). */
  readonly l1_bits?: number;
  /** Use at most this many free slots of the original root CNode (default: all of them). */
  readonly node0_slots?: number;
  /** When free buddies merge (see {@link Allocman}). */
  readonly coalesce?: "eager" | "lazy";
}

/**
 * The allocator of a root task with a two-level CSpace (`bootstrap_new_2level_simple`): a new
 * level-1 CNode becomes the thread's CSpace root (`seL4_TCB_SetSpace`), with the original root
 * CNode as its level-2 node 0 so every existing cptr keeps its meaning; further level-2 nodes (of
 * the original root's size) are created when free slots run short. Returns the allocator, or the
 * failing error.
 */
export function bootstrap_new_2level_simple(
  simple: simple_t,
  options: TwoLevelBootstrapOptions = {},
): { readonly error: number; readonly allocman: Allocman | null } {
  const sel4 = simple.sel4;
  const l2_bits = simple_get_cnode_size_bits(simple);
  const l1_bits = options.l1_bits ?? 4;
  const guard_bits = seL4_WordBits - l1_bits - l2_bits;
  const first = simple_last_valid_cap(simple) + 1;
  const end = Math.min(2 ** l2_bits, first + (options.node0_slots ?? 2 ** l2_bits));
  const root = simple_get_cnode(simple);
  const cspace = new TwoLevelCSpace({
    node0_cnode: root,
    node0_first: first,
    node0_end: end,
    l1_bits,
    l2_bits,
  });
  const allocman = new Allocman(
    sel4,
    cspace,
    untypeds_of_simple(simple),
    options.coalesce ? { coalesce: options.coalesce } : {},
  );
  const l1 = vka_alloc_cnode_object(allocman, l1_bits);
  if (l1.error !== 0) return { error: l1.error, allocman: null };
  const rootData = (guard: number) => wordFromCNodeCapData(seL4_CNode_CapData_new(0n, guard));
  // The original root CNode, unguarded, becomes level-2 node 0.
  let error = sel4.seL4_CNode_Mint(
    l1.object.cptr,
    0,
    l1_bits,
    root,
    root,
    seL4_WordBits,
    seL4_AllRights,
    rootData(0),
  );
  const l1Root = allocman.cspace_alloc();
  if (error === 0) error = l1Root.error;
  if (error === 0) {
    const p = allocman.cspace_make_path(l1Root.cptr);
    error = sel4.seL4_CNode_Mint(
      p.root,
      p.capPtr,
      p.capDepth,
      root,
      l1.object.cptr,
      seL4_WordBits,
      seL4_AllRights,
      rootData(guard_bits),
    );
  }
  if (error === 0) {
    error = sel4.seL4_TCB_SetSpace(
      simple_get_tcb(simple),
      0,
      l1Root.cptr,
      rootData(guard_bits),
      simple_get_pd(simple),
      0n,
    );
  }
  if (error !== 0) return { error, allocman: null };
  cspace.attach_level1(l1Root.cptr, guard_bits);
  return { error: 0, allocman };
}
