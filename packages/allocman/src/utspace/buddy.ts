/**
 * A buddy untyped manager (allocman's "split" allocator, rewritten): every node is an untyped cap;
 * a node splits into two half-size child untypeds, objects are retyped from a node of exactly
 * their memory size, and two free buddies merge back by revoking their parent.
 */
import {
  type Sel4,
  type seL4_CPtr,
  seL4_MaxUntypedBits,
  seL4_MinUntypedBits,
  seL4_NoError,
  seL4_NotEnoughMemory,
  seL4_UntypedObject,
} from "@sel4/sel4";
import type {
  CSpaceAllocResult,
  cspacepath_t,
  MemSizeBits,
  RetypeSizeBits,
  UtspaceAllocResult,
} from "@sel4/vka";

/** The pool an untyped belongs to. */
export type UntypedPool = "ram" | "device";

/** An untyped handed to the manager. */
export interface ManagedUntyped {
  /** The untyped cap (in the thread's CSpace). */
  readonly cap: seL4_CPtr;
  /** Physical base. */
  readonly paddr: number;
  /** log2 of its size. */
  readonly size_bits: number;
  /** Its pool. */
  readonly pool: UntypedPool;
}

/** The slots the manager needs for split children. */
export interface SlotSource {
  /** Reserves a slot. */
  alloc(): CSpaceAllocResult;
  /** Returns an empty slot. */
  free(slot: seL4_CPtr): void;
  /** The path of a slot. */
  make_path(slot: seL4_CPtr): cspacepath_t;
}

type NodeState = "free" | "split" | "used";

interface BuddyNode {
  readonly id: number;
  readonly paddr: number;
  readonly sizeBits: number;
  readonly cap: seL4_CPtr;
  readonly pool: UntypedPool;
  readonly parent: BuddyNode | null;
  state: NodeState;
  children: [BuddyNode, BuddyNode] | null;
}

/** Error code when a request's arguments cannot describe an object (bad size or address). */
export const BUDDY_BAD_REQUEST = -1;

/** Counts describing the manager's state. */
export interface BuddyStats {
  /** Free bytes per pool. */
  readonly freeBytes: Readonly<Record<UntypedPool, number>>;
  /** Nodes holding an object. */
  readonly usedNodes: number;
  /** Nodes split into children. */
  readonly splitNodes: number;
}

/** The buddy untyped manager. Cookies are node ids, so stale or foreign cookies are detectable. */
export class BuddyUntypedManager {
  private readonly sel4: Sel4;
  private readonly slots: SlotSource;
  private readonly roots: BuddyNode[] = [];
  private readonly nodes = new Map<number, BuddyNode>();
  private readonly freeLists: Record<UntypedPool, Map<number, Set<BuddyNode>>> = {
    ram: new Map(),
    device: new Map(),
  };
  private readonly lazy: boolean;
  private nextId = 1;

  /**
   * Creates a manager issuing its invocations through `sel4` and taking split slots from `slots`.
   * `coalesce` "eager" (default) merges free buddies at every free, so freeing everything restores
   * every untyped; "lazy" keeps freed nodes split for reuse and merges only when an allocation
   * cannot be served otherwise or when {@link BuddyUntypedManager.coalesce} is called.
   */
  constructor(sel4: Sel4, slots: SlotSource, coalesce: "eager" | "lazy" = "eager") {
    this.sel4 = sel4;
    this.slots = slots;
    this.lazy = coalesce === "lazy";
  }

  /** Merges every pair of free buddies (what "eager" does at each free). */
  coalesce(): void {
    for (const node of [...this.nodes.values()]) {
      if (this.nodes.has(node.id) && node.state === "free") this.mergeUp(node);
    }
  }

  /** Adds untypeds (each must be unused: no children). Sizes outside seL4's range are ignored. */
  add_uts(uts: readonly ManagedUntyped[]): void {
    for (const u of uts) {
      if (u.size_bits < seL4_MinUntypedBits || u.size_bits > seL4_MaxUntypedBits) continue;
      const node = this.newNode(u.paddr, u.size_bits, u.cap, u.pool, null);
      this.roots.push(node);
      this.pushFree(node);
    }
  }

  /**
   * Retypes one object of `type` needing 2^`mem_bits` bytes into `dest`, from RAM and then (if
   * `pools` says so) device untyped. Returns `{ error: 0, cookie }` or an error with nothing changed.
   */
  alloc(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    mem_bits: MemSizeBits,
    pools: readonly UntypedPool[],
  ): UtspaceAllocResult {
    if (
      !Number.isInteger(mem_bits) ||
      mem_bits < seL4_MinUntypedBits ||
      mem_bits > seL4_MaxUntypedBits
    ) {
      return { error: BUDDY_BAD_REQUEST, cookie: 0 };
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const pool of pools) {
        const node = this.smallestFree(pool, mem_bits);
        if (!node) continue;
        const leaf = this.splitDown(node, (n) => n.children![0]!, mem_bits);
        if (typeof leaf === "number") return { error: leaf, cookie: 0 };
        return this.retypeInto(leaf, dest, type, size_bits);
      }
      if (!this.lazy) break;
      this.coalesce();
    }
    return { error: seL4_NotEnoughMemory, cookie: 0 };
  }

  /** As {@link BuddyUntypedManager.alloc} but at physical address `paddr` (any pool). */
  alloc_at(
    dest: cspacepath_t,
    type: number,
    size_bits: RetypeSizeBits,
    mem_bits: MemSizeBits,
    paddr: number,
  ): UtspaceAllocResult {
    if (
      !Number.isInteger(mem_bits) ||
      mem_bits < seL4_MinUntypedBits ||
      mem_bits > seL4_MaxUntypedBits ||
      !Number.isSafeInteger(paddr) ||
      paddr < 0 ||
      paddr % 2 ** mem_bits !== 0
    ) {
      return { error: BUDDY_BAD_REQUEST, cookie: 0 };
    }
    const root = this.roots.find(
      (r) => paddr >= r.paddr && paddr + 2 ** mem_bits <= r.paddr + 2 ** r.sizeBits,
    );
    if (!root) return { error: seL4_NotEnoughMemory, cookie: 0 };
    let node = this.descend(root, paddr, mem_bits);
    if (node.state === "split" && this.lazy) {
      this.coalesce();
      node = this.descend(root, paddr, mem_bits);
    }
    if (node.state !== "free") return { error: seL4_NotEnoughMemory, cookie: 0 };
    const leaf = this.splitDown(node, (n) => this.childContaining(n, paddr), mem_bits);
    if (typeof leaf === "number") return { error: leaf, cookie: 0 };
    return this.retypeInto(leaf, dest, type, size_bits);
  }

  /** Whether `cookie` names a live allocation. */
  is_live(cookie: number): boolean {
    return this.nodes.get(cookie)?.state === "used";
  }

  /** The memory size of the allocation `cookie`, or `null` if it is not live. */
  mem_bits(cookie: number): number | null {
    const n = this.nodes.get(cookie);
    return n?.state === "used" ? n.sizeBits : null;
  }

  /**
   * Frees a live allocation: revokes its node (deleting any cap still derived from it) and merges
   * buddies upward. Returns false (and changes nothing) if `cookie` is not live.
   */
  free(cookie: number): boolean {
    const node = this.nodes.get(cookie);
    if (node?.state !== "used") return false;
    const p = this.slots.make_path(node.cap);
    this.sel4.seL4_CNode_Revoke(p.root, p.capPtr, p.capDepth);
    this.release(node);
    return true;
  }

  /** The physical address of a live allocation, or `null`. */
  paddr(cookie: number): number | null {
    const n = this.nodes.get(cookie);
    return n?.state === "used" ? n.paddr : null;
  }

  /** Current counts. */
  stats(): BuddyStats {
    const freeBytes = { ram: 0, device: 0 };
    let usedNodes = 0;
    let splitNodes = 0;
    for (const n of this.nodes.values()) {
      if (n.state === "free") freeBytes[n.pool] += 2 ** n.sizeBits;
      else if (n.state === "used") usedNodes++;
      else splitNodes++;
    }
    return { freeBytes, usedNodes, splitNodes };
  }

  /** Whether every untyped is back in its initial state: whole, free, not split. */
  is_pristine(): boolean {
    return this.nodes.size === this.roots.length && this.roots.every((r) => r.state === "free");
  }

  private newNode(
    paddr: number,
    sizeBits: number,
    cap: seL4_CPtr,
    pool: UntypedPool,
    parent: BuddyNode | null,
  ): BuddyNode {
    const node: BuddyNode = {
      id: this.nextId++,
      paddr,
      sizeBits,
      cap,
      pool,
      parent,
      state: "free",
      children: null,
    };
    this.nodes.set(node.id, node);
    return node;
  }

  private freeSet(pool: UntypedPool, sizeBits: number): Set<BuddyNode> {
    let set = this.freeLists[pool].get(sizeBits);
    if (!set) {
      set = new Set();
      this.freeLists[pool].set(sizeBits, set);
    }
    return set;
  }

  private pushFree(node: BuddyNode): void {
    node.state = "free";
    this.freeSet(node.pool, node.sizeBits).add(node);
  }

  private takeFree(node: BuddyNode): void {
    this.freeSet(node.pool, node.sizeBits).delete(node);
  }

  private smallestFree(pool: UntypedPool, bits: number): BuddyNode | null {
    for (let b = bits; b <= seL4_MaxUntypedBits; b++) {
      const set = this.freeLists[pool].get(b);
      if (set && set.size > 0) return set.values().next().value!;
    }
    return null;
  }

  /** The deepest node on the way to `paddr` that is not split or is exactly 2^`bits`. */
  private descend(root: BuddyNode, paddr: number, bits: number): BuddyNode {
    let node = root;
    while (node.state === "split" && node.sizeBits > bits) node = this.childContaining(node, paddr);
    return node;
  }

  private childContaining(node: BuddyNode, paddr: number): BuddyNode {
    const [lo, hi] = node.children!;
    return paddr < hi.paddr ? lo : hi;
  }

  /**
   * Splits free `node` until a free node of `bits` is reached, descending with `pick`. On a
   * failure (no slot, kernel error) every split made here is undone and the error returned.
   */
  private splitDown(
    node: BuddyNode,
    pick: (n: BuddyNode) => BuddyNode,
    bits: number,
  ): BuddyNode | number {
    let at = node;
    while (at.sizeBits > bits) {
      const error = this.split(at);
      if (error !== seL4_NoError) {
        this.mergeUp(at);
        return error;
      }
      at = pick(at);
    }
    return at;
  }

  /** Splits a free node into two child untypeds. */
  private split(node: BuddyNode): number {
    const a = this.slots.alloc();
    if (a.error !== 0) return seL4_NotEnoughMemory;
    const b = this.slots.alloc();
    if (b.error !== 0) {
      this.slots.free(a.cptr);
      return seL4_NotEnoughMemory;
    }
    const half = node.sizeBits - 1;
    for (const slot of [a.cptr, b.cptr]) {
      const d = this.slots.make_path(slot);
      const error = this.sel4.seL4_Untyped_Retype(
        node.cap,
        seL4_UntypedObject,
        half,
        d.root,
        d.dest,
        d.destDepth,
        d.offset,
        1,
      );
      if (error !== seL4_NoError) {
        const p = this.slots.make_path(node.cap);
        this.sel4.seL4_CNode_Revoke(p.root, p.capPtr, p.capDepth);
        this.slots.free(a.cptr);
        this.slots.free(b.cptr);
        return error;
      }
    }
    this.takeFree(node);
    node.state = "split";
    node.children = [
      this.newNode(node.paddr, half, a.cptr, node.pool, node),
      this.newNode(node.paddr + 2 ** half, half, b.cptr, node.pool, node),
    ];
    for (const c of node.children) this.pushFree(c);
    return seL4_NoError;
  }

  private retypeInto(
    leaf: BuddyNode,
    dest: cspacepath_t,
    type: number,
    size_bits: number,
  ): UtspaceAllocResult {
    const error = this.sel4.seL4_Untyped_Retype(
      leaf.cap,
      type,
      size_bits,
      dest.root,
      dest.dest,
      dest.destDepth,
      dest.offset,
      1,
    );
    if (error !== seL4_NoError) {
      this.mergeUp(leaf);
      return { error, cookie: 0 };
    }
    this.takeFree(leaf);
    leaf.state = "used";
    return { error: 0, cookie: leaf.id };
  }

  /** Marks a used node free again and merges upward. */
  private release(node: BuddyNode): void {
    this.pushFree(node);
    if (!this.lazy) this.mergeUp(node);
  }

  /** While `node` and its buddy are both free leaves, revokes their parent and frees it. */
  private mergeUp(node: BuddyNode): void {
    let parent = node.parent;
    while (parent) {
      const [lo, hi] = parent.children!;
      if (lo.state !== "free" || hi.state !== "free") return;
      const p = this.slots.make_path(parent.cap);
      this.sel4.seL4_CNode_Revoke(p.root, p.capPtr, p.capDepth);
      for (const c of [lo, hi]) {
        this.takeFree(c);
        this.nodes.delete(c.id);
        this.slots.free(c.cap);
      }
      parent.children = null;
      this.pushFree(parent);
      parent = parent.parent;
    }
  }
}
