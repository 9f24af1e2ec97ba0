/** CSpace address resolution (§3.2). */
import { newSlot, type Slot } from "../cdt.js";
import { fail } from "../errors.js";
import type { Cap, CNode, LookupFailure } from "../objects/types.js";

/** Result of resolving a CPtr. */
export type Resolution =
  | { readonly ok: true; readonly slot: Slot; readonly bitsRemaining: number }
  | { readonly ok: false; readonly failure: LookupFailure };

/** The slot `index` of a CNode, created on first touch. */
export function cnodeSlot(cnode: CNode, index: number): Slot {
  let slot = cnode.slots.get(index);
  if (!slot) {
    slot = newSlot(cnode, index);
    cnode.slots.set(index, slot);
  }
  return slot;
}

/** Masks a value to its low `bits` bits (bits 0..64). */
function lowBits(value: bigint, bits: number): bigint {
  return bits === 0 ? 0n : value & ((1n << BigInt(bits)) - 1n);
}

/** `resolveAddressBits(nodeCap, cptr, n)`. */
export function resolveAddressBits(nodeCap: Cap, cptr: bigint, nBits: number): Resolution {
  if (nodeCap.type !== "cnode") return { ok: false, failure: { type: "InvalidRoot" } };
  let cap = nodeCap;
  let n = nBits;
  const word = BigInt.asUintN(64, cptr);
  for (;;) {
    const radix = cap.obj.radix;
    const g = cap.guardSize;
    const levelBits = radix + g;
    const guard = g > n ? 0n : lowBits(word >> BigInt(n - g), g);
    if (g > n || guard !== cap.guard) {
      return {
        ok: false,
        failure: { type: "GuardMismatch", bitsLeft: n, guardFound: cap.guard, bitsFound: g },
      };
    }
    if (levelBits > n) {
      return { ok: false, failure: { type: "DepthMismatch", bitsLeft: n, bitsFound: levelBits } };
    }
    const index = Number(lowBits(word >> BigInt(n - levelBits), radix));
    const slot = cnodeSlot(cap.obj, index);
    if (n === levelBits) return { ok: true, slot, bitsRemaining: 0 };
    n -= levelBits;
    const next = slot.cap;
    if (next.type !== "cnode") return { ok: true, slot, bitsRemaining: n };
    cap = next;
  }
}

/** Thread lookup: 64 bits from the root, remaining bits ignored. */
export function lookupSlot(root: Cap, cptr: bigint): Resolution {
  return resolveAddressBits(root, cptr, 64);
}

/** Converts an untrusted depth word into a number (anything above 64 becomes 65: out of range). */
export function depthOf(word: bigint): number {
  return word > 64n ? 65 : Number(word);
}

/**
 * `lookupSlotForCNodeOp(isSource, root, cptr, depth)`: throws the FailedLookup/RangeError
 * invocation error seL4 would report.
 */
export function lookupSlotForCNodeOp(
  isSource: boolean,
  root: Cap,
  cptr: bigint,
  depth: number,
): Slot {
  if (root.type !== "cnode") throw fail.failedLookup(isSource, { type: "InvalidRoot" });
  if (depth < 1 || depth > 64) throw fail.rangeError(1, 64);
  const r = resolveAddressBits(root, cptr, depth);
  if (!r.ok) throw fail.failedLookup(isSource, r.failure);
  if (r.bitsRemaining !== 0) {
    throw fail.failedLookup(isSource, {
      type: "DepthMismatch",
      bitsLeft: r.bitsRemaining,
      bitsFound: 0,
    });
  }
  return r.slot;
}
