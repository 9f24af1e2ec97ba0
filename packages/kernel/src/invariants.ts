/**
 * The model's invariants, checked from scratch over the whole state: the derivation tree is a
 * consistent list, untyped children lie inside their parent below its watermark, objects are
 * reachable only through caps (and every cap names a live object), no memory is counted twice,
 * and queues agree with thread states.
 */
import { capObject, isMDBParentOf, type Slot } from "./cdt.js";
import type { KernelObject, TCB } from "./objects/types.js";
import { isRunnable } from "./scheduler.js";
import type { KernelState } from "./state.js";

/** One broken invariant. */
export interface InvariantViolation {
  /** Which invariant. */
  readonly invariant: "cdt" | "untyped" | "reachability" | "memory" | "queues";
  /** What is wrong. */
  readonly message: string;
}

function allSlots(k: KernelState): Slot[] {
  const slots: Slot[] = [];
  for (const obj of k.live) {
    if (obj.kind === "cnode") for (const s of obj.slots.values()) slots.push(s);
    if (obj.kind === "tcb") {
      slots.push(
        obj.ctable,
        obj.vtable,
        obj.replySlot,
        obj.callerSlot,
        obj.bufferSlot,
        obj.eptRootSlot,
      );
    }
  }
  for (const s of k.irqNotification.values()) slots.push(s);
  return slots;
}

function describe(s: Slot): string {
  const owner =
    s.owner.kind === "cnode"
      ? `cnode@0x${s.owner.paddr.toString(16)}`
      : `tcb${(s.owner as TCB).id}`;
  return `${owner}[${s.index}] (${s.cap.type})`;
}

/** Checks every invariant; returns the violations (empty when the state is consistent). */
export function checkInvariants(k: KernelState): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const slots = allSlots(k);
  const slotSet = new Set(slots);

  // CDT: a consistent doubly linked list over occupied, reachable slots.
  for (const s of slots) {
    if (s.cap.type === "null") {
      if (s.prev || s.next)
        out.push({ invariant: "cdt", message: `empty slot ${describe(s)} is linked` });
      continue;
    }
    if (s.next && s.next.prev !== s)
      out.push({ invariant: "cdt", message: `${describe(s)}.next.prev != self` });
    if (s.prev && s.prev.next !== s)
      out.push({ invariant: "cdt", message: `${describe(s)}.prev.next != self` });
    for (const n of [s.prev, s.next]) {
      if (n && (!slotSet.has(n) || n.cap.type === "null")) {
        out.push({
          invariant: "cdt",
          message: `${describe(s)} links to an unreachable or empty slot`,
        });
      }
    }
  }

  // Reachability: caps name live objects; live objects are named by some cap.
  const named = new Set<KernelObject>();
  for (const s of slots) {
    const obj = capObject(s.cap);
    if (obj === null) {
      if (s.cap.type === "reply" && !s.cap.tcb.live) {
        out.push({ invariant: "reachability", message: `${describe(s)} names a dead thread` });
      }
      continue;
    }
    if (!obj.live)
      out.push({ invariant: "reachability", message: `${describe(s)} names a dead object` });
    named.add(obj);
  }
  for (const obj of k.live) {
    if (!named.has(obj)) {
      out.push({
        invariant: "reachability",
        message: `${obj.kind}@0x${obj.paddr.toString(16)} has no cap`,
      });
    }
  }

  // Memory: live objects pairwise disjoint.
  const objs = [...k.live].sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < objs.length; i++) {
    const a = objs[i - 1]!;
    const b = objs[i]!;
    if (a.paddr + 2 ** a.sizeBits > b.paddr) {
      out.push({
        invariant: "memory",
        message: `${a.kind}@0x${a.paddr.toString(16)} overlaps ${b.kind}@0x${b.paddr.toString(16)}`,
      });
    }
  }

  // Untyped: every descendant inside the parent and below its watermark; untyped children disjoint.
  for (const s of slots) {
    const u = s.cap;
    if (u.type !== "untyped") continue;
    const end = u.paddr + 2 ** u.sizeBits;
    const childUntypeds: { base: number; end: number }[] = [];
    for (let d = s.next; d !== null && isMDBParentOf(s, d); d = d.next) {
      const c = d.cap;
      const obj = capObject(c);
      const base = c.type === "untyped" ? c.paddr : obj ? obj.paddr : null;
      if (base === null) continue;
      const size = c.type === "untyped" ? 2 ** c.sizeBits : 2 ** obj!.sizeBits;
      if (base < u.paddr || base + size > end) {
        out.push({
          invariant: "untyped",
          message: `${describe(d)} lies outside its untyped ${describe(s)}`,
        });
      }
      if (base + size > u.paddr + u.freeIndex) {
        out.push({
          invariant: "untyped",
          message: `${describe(d)} lies above the watermark of ${describe(s)}`,
        });
      }
      if (c.type === "untyped" && !(c.paddr === u.paddr && c.sizeBits === u.sizeBits)) {
        childUntypeds.push({ base, end: base + size });
      }
    }
    childUntypeds.sort((a, b) => a.base - b.base);
    for (let i = 1; i < childUntypeds.length; i++) {
      const a = childUntypeds[i - 1]!;
      const b = childUntypeds[i]!;
      // Nested descendants (a grandchild inside a child) are fine; partial overlap is not.
      if (b.base < a.end && b.end > a.end) {
        out.push({ invariant: "untyped", message: `untyped children of ${describe(s)} overlap` });
      }
    }
  }

  // Queues agree with states.
  for (const [prio, q] of k.readyQueues.entries()) {
    for (const t of q) {
      if (!t.live || !isRunnable(t) || t.priority !== prio || !t.inReadyQueue) {
        out.push({
          invariant: "queues",
          message: `ready queue ${prio} holds tcb${t.id} in state ${t.state}`,
        });
      }
    }
  }
  for (const obj of k.live) {
    if (obj.kind === "tcb") {
      const b = obj.blocking;
      const waitingOn =
        b?.kind === "send" || b?.kind === "recv"
          ? b.ep
          : b?.kind === "notification"
            ? b.ntfn
            : null;
      const blockedInQueue =
        obj.state === "BlockedOnSend" ||
        obj.state === "BlockedOnReceive" ||
        obj.state === "BlockedOnNotification";
      if (
        blockedInQueue &&
        (waitingOn === null || !waitingOn.live || !waitingOn.queue.includes(obj))
      ) {
        out.push({
          invariant: "queues",
          message: `tcb${obj.id} is ${obj.state} but not queued on a live object`,
        });
      }
      const n = obj.boundNotification;
      if (n !== null && (!n.live || n.boundTCB !== obj)) {
        out.push({
          invariant: "queues",
          message: `tcb${obj.id} bound to a notification that is not bound back`,
        });
      }
    }
    if (obj.kind === "endpoint") {
      for (const t of obj.queue) {
        const b = t.blocking;
        if (!t.live || !b || (b.kind !== "send" && b.kind !== "recv") || b.ep !== obj) {
          out.push({
            invariant: "queues",
            message: `endpoint queue holds tcb${t.id} not blocked on it`,
          });
        }
      }
      if ((obj.queue.length === 0) !== (obj.state === "Idle")) {
        out.push({
          invariant: "queues",
          message: `endpoint state ${obj.state} with ${obj.queue.length} waiting`,
        });
      }
    }
    if (obj.kind === "notification") {
      for (const t of obj.queue) {
        if (!t.live || t.blocking?.kind !== "notification" || t.blocking.ntfn !== obj) {
          out.push({
            invariant: "queues",
            message: `notification queue holds tcb${t.id} not waiting on it`,
          });
        }
      }
    }
  }
  return out;
}
