/**
 * The capability derivation tree, kept as seL4 keeps it (§3.6): a doubly linked list of slots in
 * depth-first order with `revocable` and `firstBadged` flags; parenthood is computed.
 */
import type { Cap, CNode, KernelObject, Slot, TCB } from "./objects/types.js";

export type { Slot } from "./objects/types.js";

const NULL_CAP: Cap = { type: "null" };

/** The null cap value. */
export function nullCap(): Cap {
  return NULL_CAP;
}

/** Creates an empty, unlinked slot. */
export function newSlot(owner: CNode | TCB, index: number): Slot {
  return {
    cap: NULL_CAP,
    prev: null,
    next: null,
    revocable: false,
    firstBadged: false,
    owner,
    index,
  };
}

/** The object a cap names, for caps that name a memory-backed object. */
export function capObject(cap: Cap): KernelObject | null {
  switch (cap.type) {
    case "endpoint":
    case "notification":
    case "cnode":
    case "thread":
    case "frame":
    case "paging":
    case "asid_pool":
    case "vcpu":
      return cap.obj;
    default:
      return null;
  }
}

/** Physical extent of a cap's object, for untyped parenthood. */
function capRegion(cap: Cap): { base: number; size: number } | null {
  if (cap.type === "untyped") return { base: cap.paddr, size: 2 ** cap.sizeBits };
  const obj = capObject(cap);
  return obj ? { base: obj.paddr, size: 2 ** obj.sizeBits } : null;
}

/** `sameRegionAs(a, b)`. */
export function sameRegionAs(a: Cap, b: Cap): boolean {
  switch (a.type) {
    case "untyped": {
      const r = capRegion(b);
      if (!r) return false;
      const aEnd = a.paddr + 2 ** a.sizeBits - 1;
      return r.base >= a.paddr && r.base + r.size - 1 <= aEnd;
    }
    case "frame": {
      if (b.type !== "frame") return false;
      const aEnd = a.obj.paddr + 2 ** a.obj.sizeBits - 1;
      return b.obj.paddr >= a.obj.paddr && b.obj.paddr + 2 ** b.obj.sizeBits - 1 <= aEnd;
    }
    case "endpoint":
    case "notification":
    case "thread":
    case "paging":
    case "asid_pool":
    case "vcpu":
      return b.type === a.type && b.obj === a.obj;
    case "cnode":
      return b.type === "cnode" && b.obj === a.obj && b.obj.radix === a.obj.radix;
    case "reply":
      return b.type === "reply" && b.tcb === a.tcb;
    case "irq_control":
      return b.type === "irq_control" || b.type === "irq_handler";
    case "irq_handler":
      return b.type === "irq_handler" && b.irq === a.irq;
    case "domain":
      return b.type === "domain";
    case "asid_control":
      return b.type === "asid_control";
    case "io_port_control":
      return b.type === "io_port_control" || b.type === "io_port";
    case "io_port":
      return b.type === "io_port" && b.first === a.first && b.last === a.last;
    default:
      return false;
  }
}

/** `sameObjectAs(a, b)`: sameRegionAs, but untyped and IRQ control never, frames exactly. */
export function sameObjectAs(a: Cap, b: Cap): boolean {
  if (a.type === "untyped" || a.type === "irq_control" || a.type === "io_port_control")
    return false;
  if (a.type === "frame" && b.type === "frame") {
    return a.obj === b.obj;
  }
  return sameRegionAs(a, b);
}

function badgeOf(cap: Cap): bigint | null {
  return cap.type === "endpoint" || cap.type === "notification" ? cap.badge : null;
}

/** `isMDBParentOf(a, b)`. */
export function isMDBParentOf(a: Slot, b: Slot): boolean {
  if (!a.revocable) return false;
  if (!sameRegionAs(a.cap, b.cap)) return false;
  const badge = badgeOf(a.cap);
  if (badge !== null) {
    if (badge === 0n) return true;
    return badgeOf(b.cap) === badge && !b.firstBadged;
  }
  return true;
}

/** `isCapRevocable(newCap, srcCap)`. */
export function isCapRevocable(newCap: Cap, srcCap: Cap): boolean {
  switch (newCap.type) {
    case "endpoint":
    case "notification":
      return newCap.badge !== badgeOf(srcCap);
    case "untyped":
      return true;
    case "irq_handler":
      return srcCap.type === "irq_control";
    case "io_port":
      return srcCap.type === "io_port_control";
    default:
      return false;
  }
}

/** True if the slot has at least one CDT child (`ensureNoChildren` fails). */
export function hasChildren(slot: Slot): boolean {
  return slot.next !== null && isMDBParentOf(slot, slot.next);
}

/** `isFinalCapability`: no neighbour in the list names the same object. */
export function isFinalCapability(slot: Slot): boolean {
  const p = slot.prev;
  const n = slot.next;
  return !(p && sameObjectAs(slot.cap, p.cap)) && !(n && sameObjectAs(slot.cap, n.cap));
}

/** Links `dest` (empty) right after `src`, as `cteInsert` does, with the computed flags. */
export function cteInsert(newCap: Cap, src: Slot, dest: Slot): void {
  const revocable = isCapRevocable(newCap, src.cap);
  // setUntypedCapAsFull: a copy of an untyped covering the same region stops the source allocating.
  if (
    newCap.type === "untyped" &&
    src.cap.type === "untyped" &&
    newCap.paddr === src.cap.paddr &&
    newCap.sizeBits === src.cap.sizeBits
  ) {
    src.cap.freeIndex = 2 ** src.cap.sizeBits;
  }
  dest.cap = newCap;
  dest.revocable = revocable;
  dest.firstBadged = revocable;
  linkAfter(src, dest);
}

/** Links `dest` after `parent` as a fresh retyped object (revocable, firstBadged). */
export function insertNewCap(parent: Slot, dest: Slot, cap: Cap): void {
  dest.cap = cap;
  dest.revocable = true;
  dest.firstBadged = true;
  linkAfter(parent, dest);
}

/** Places a boot-time root cap (no parent, revocable). */
export function insertRootCap(dest: Slot, cap: Cap): void {
  dest.cap = cap;
  dest.revocable = true;
  dest.firstBadged = true;
  dest.prev = null;
  dest.next = null;
}

function linkAfter(src: Slot, dest: Slot): void {
  dest.prev = src;
  dest.next = src.next;
  if (src.next) src.next.prev = dest;
  src.next = dest;
}

/** Unlinks a slot from the list and empties it (`cteDelete`'s emptySlot part). */
export function emptySlot(slot: Slot): void {
  const { prev, next } = slot;
  if (prev) prev.next = next;
  if (next) {
    next.prev = prev;
    next.firstBadged = next.firstBadged || slot.firstBadged;
  }
  slot.cap = NULL_CAP;
  slot.prev = null;
  slot.next = null;
  slot.revocable = false;
  slot.firstBadged = false;
}

/** `cteMove`: `dest` (empty) takes `src`'s list position and flags with `newCap`; src emptied. */
export function cteMove(newCap: Cap, src: Slot, dest: Slot): void {
  dest.cap = newCap;
  dest.prev = src.prev;
  dest.next = src.next;
  dest.revocable = src.revocable;
  dest.firstBadged = src.firstBadged;
  if (dest.prev) dest.prev.next = dest;
  if (dest.next) dest.next.prev = dest;
  src.cap = NULL_CAP;
  src.prev = null;
  src.next = null;
  src.revocable = false;
  src.firstBadged = false;
}

/** `cteSwap`: exchanges two caps with their list positions and flags. */
export function cteSwap(cap1: Cap, slot1: Slot, cap2: Cap, slot2: Slot): void {
  const s1 = { prev: slot1.prev, next: slot1.next, rev: slot1.revocable, fb: slot1.firstBadged };
  const s2 = { prev: slot2.prev, next: slot2.next, rev: slot2.revocable, fb: slot2.firstBadged };
  // Adjacent slots need care: fix neighbours' pointers through a placeholder-free rewrite.
  const map = (s: Slot | null): Slot | null => (s === slot1 ? slot2 : s === slot2 ? slot1 : s);
  slot1.cap = cap2;
  slot2.cap = cap1;
  slot1.prev = map(s2.prev);
  slot1.next = map(s2.next);
  slot1.revocable = s2.rev;
  slot1.firstBadged = s2.fb;
  slot2.prev = map(s1.prev);
  slot2.next = map(s1.next);
  slot2.revocable = s1.rev;
  slot2.firstBadged = s1.fb;
  for (const s of [slot1, slot2]) {
    if (s.prev) s.prev.next = s;
    if (s.next) s.next.prev = s;
  }
}
