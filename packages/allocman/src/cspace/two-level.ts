/**
 * A two-level CSpace (allocman's two_level cspace): a level-1 CNode whose slots hold level-2
 * CNodes, created on demand. Level-2 node 0 is the task's original root CNode, so every boot cptr
 * keeps its meaning after the switch (see `bootstrap_new_2level_simple`).
 */
import { type seL4_CPtr, seL4_WordBits } from "@sel4/sel4";
import { type CSpaceAllocResult, type cspacepath_t, VkaUsageError } from "@sel4/vka";
import type { CNodeAllocator, CSpaceManager } from "./manager.js";
import { CSPACE_FULL } from "./single-level.js";

/** Where a {@link TwoLevelCSpace} starts. */
export interface TwoLevelCSpaceConfig {
  /** The original root CNode cap (level-2 node 0); its slots are addressed through it. */
  readonly node0_cnode: seL4_CPtr;
  /** Free slots of node 0: [`node0_first`, `node0_end`). */
  readonly node0_first: number;
  /** End of node 0's free range. */
  readonly node0_end: number;
  /** log2 of the level-1 slot count. */
  readonly l1_bits: number;
  /** log2 of each level-2 node's slot count (the original root CNode's size). */
  readonly l2_bits: number;
  /** Free slots kept in reserve by `refill` (default 96). */
  readonly reserve?: number;
}

interface Level2Node {
  readonly index: number;
  readonly first: number;
  readonly used: Uint8Array;
  readonly cookie: number | null;
  count: number;
}

/** The two-level CSpace manager; it grows only after {@link TwoLevelCSpace.attach_level1}. */
export class TwoLevelCSpace implements CSpaceManager {
  private readonly cfg: TwoLevelCSpaceConfig;
  private readonly nodes: Level2Node[] = [];
  private level1: { readonly root: seL4_CPtr; readonly guard_bits: number } | null = null;
  private usedCount = 0;

  /** Creates the manager over node 0 only. */
  constructor(cfg: TwoLevelCSpaceConfig) {
    const slots = 2 ** cfg.l2_bits;
    if (
      cfg.node0_first < 0 ||
      cfg.node0_end > slots ||
      cfg.node0_first > cfg.node0_end ||
      cfg.l1_bits < 1
    ) {
      throw new RangeError("impossible two-level CSpace geometry");
    }
    if (cfg.l1_bits + cfg.l2_bits > seL4_WordBits) throw new RangeError("levels exceed the word");
    this.cfg = cfg;
    this.nodes.push({
      index: 0,
      first: cfg.node0_first,
      used: new Uint8Array(cfg.node0_end - cfg.node0_first),
      cookie: null,
      count: 0,
    });
  }

  /** Starts addressing level-2 nodes through level 1: `root` is the level-1 cap the thread uses as its CSpace root. */
  attach_level1(root: seL4_CPtr, guard_bits: number): void {
    this.level1 = { root, guard_bits };
  }

  /** Number of level-2 nodes (node 0 included). */
  get node_count(): number {
    return this.nodes.length;
  }

  /** Slots handed out. */
  get used_slots(): number {
    return this.usedCount;
  }

  /** Slots free in the existing level-2 nodes. */
  get free_slots(): number {
    return this.nodes.reduce((n, node) => n + node.used.length - node.count, 0);
  }

  /** Reserves the lowest free slot, node by node. */
  alloc(): CSpaceAllocResult {
    for (const node of this.nodes) {
      if (node.count === node.used.length) continue;
      const i = node.used.indexOf(0);
      node.used[i] = 1;
      node.count++;
      this.usedCount++;
      return { error: 0, cptr: (node.index << this.cfg.l2_bits) + node.first + i };
    }
    return { error: CSPACE_FULL, cptr: 0 };
  }

  /** Whether `slot` is handed out. */
  is_allocated(slot: seL4_CPtr): boolean {
    const found = this.locate(slot);
    return found !== null && found.node.used[found.i] === 1;
  }

  /** Returns a slot; throws `VkaUsageError` if it is not handed out. */
  free(slot: seL4_CPtr): void {
    const found = this.locate(slot);
    if (found?.node.used[found.i] !== 1) {
      throw new VkaUsageError(`slot ${slot} was not allocated by this CSpace manager`);
    }
    found.node.used[found.i] = 0;
    found.node.count--;
    this.usedCount--;
  }

  /** The path of `slot`: through the original root for node 0, through level 1 otherwise. */
  make_path(slot: seL4_CPtr): cspacepath_t {
    const { l1_bits, l2_bits } = this.cfg;
    const index = Math.floor(slot / 2 ** l2_bits);
    const offset = slot % 2 ** l2_bits;
    if (index === 0 || !this.level1) {
      // Node 0 is the original root CNode: a single-level path through its own cap.
      return {
        capPtr: slot,
        capDepth: seL4_WordBits,
        root: this.cfg.node0_cnode,
        dest: 0,
        destDepth: 0,
        offset: slot,
        window: 1,
      };
    }
    const { root, guard_bits } = this.level1;
    return {
      capPtr: slot,
      capDepth: guard_bits + l1_bits + l2_bits,
      root,
      dest: index,
      destDepth: guard_bits + l1_bits,
      offset,
      window: 1,
    };
  }

  /** Creates level-2 nodes (every slot usable, unlike allocman's) while fewer than the reserve are free. */
  refill(alloc_node: CNodeAllocator): void {
    const reserve = this.cfg.reserve ?? 96;
    while (this.level1 && this.free_slots < reserve) {
      const index = this.nextFreeIndex();
      if (index === null) return;
      const { root, guard_bits } = this.level1;
      const dest = {
        capPtr: index,
        capDepth: guard_bits + this.cfg.l1_bits,
        root,
        dest: 0,
        destDepth: 0,
        offset: index,
        window: 1,
      };
      const r = alloc_node(dest, this.cfg.l2_bits);
      if (r.error !== 0) return;
      this.nodes.push({
        index,
        first: 0,
        used: new Uint8Array(2 ** this.cfg.l2_bits),
        cookie: r.cookie,
        count: 0,
      });
      this.nodes.sort((a, b) => a.index - b.index);
    }
  }

  /** Gives back grown level-2 nodes that are empty. */
  trim(free_node: (cookie: number, path: cspacepath_t) => void): void {
    if (!this.level1) return;
    const { root, guard_bits } = this.level1;
    for (const node of [...this.nodes]) {
      if (node.cookie === null || node.count > 0) continue;
      this.nodes.splice(this.nodes.indexOf(node), 1);
      free_node(node.cookie, {
        capPtr: node.index,
        capDepth: guard_bits + this.cfg.l1_bits,
        root,
        dest: 0,
        destDepth: 0,
        offset: node.index,
        window: 1,
      });
    }
  }

  private nextFreeIndex(): number | null {
    const taken = new Set(this.nodes.map((n) => n.index));
    for (let i = 1; i < 2 ** this.cfg.l1_bits; i++) if (!taken.has(i)) return i;
    return null;
  }

  private locate(slot: seL4_CPtr): { node: Level2Node; i: number } | null {
    if (!Number.isSafeInteger(slot) || slot < 0) return null;
    const index = Math.floor(slot / 2 ** this.cfg.l2_bits);
    const node = this.nodes.find((n) => n.index === index);
    if (!node) return null;
    const i = (slot % 2 ** this.cfg.l2_bits) - node.first;
    return i >= 0 && i < node.used.length ? { node, i } : null;
  }
}
