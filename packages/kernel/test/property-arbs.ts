/** Arbitraries of meaningful invocations for the property tests. */
import {
  Sel4ArgumentError,
  seL4_AllRights,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapRights_new,
  seL4_MessageInfo_new,
} from "@sel4/sel4";
import fc from "fast-check";
import type { ThreadProgram } from "../src/index.js";
import type { AnySel4 } from "./helpers.js";

/** A meaningful invocation with plausible-but-random arguments (most succeed or fail late). */
type Call = (sel4: AnySel4, pick: (i: number) => number) => unknown;

export function callArb(arch: "aarch64" | "x86_64"): fc.Arbitrary<Call> {
  const i = fc.nat(40);
  const w = fc.constantFrom(0n, 1n, 5n, 0xffn, 2n ** 63n, 2n ** 64n - 1n);
  const rights = fc.constantFrom(
    seL4_AllRights,
    seL4_CanRead,
    seL4_CanWrite,
    seL4_CapRights_new(false, true, true, true),
  );
  const depth = fc.constantFrom(64, 64, 64, 0, 12, 63);
  const types = arch === "aarch64" ? 12 : 18;
  const vaddr = fc.constantFrom(
    0x10_0000,
    0x20_0000,
    0x4000_0000,
    0x1000,
    0x40_0000,
    0x7f_ffff_f000,
  );
  const frameType = arch === "aarch64" ? [7, 8, 9, 6] : [8, 9, 10, 11, 5, 6, 13];
  const type = fc.oneof(fc.constantFrom(1, 2, 2, 2, 3, 3, 4, ...frameType), fc.nat(types));
  const fresh = fc
    .tuple(fc.constantFrom(1, 2, 2, 3), i)
    .map(([type, off]) => (s: AnySel4, p: (i: number) => number) => {
      // Delete whatever is there, then make a fresh object in its place.
      s.seL4_CNode_Delete(2, p(off), 64);
      return s.seL4_Untyped_Retype(p(0), type, 0, 2, 0, 0, p(off), 1);
    });
  return fc.oneof(
    { arbitrary: fresh, weight: 6 },
    fc
      .tuple(
        i,
        type,
        fc.constantFrom(0, 4, 5, 12, 13, 21, 64),
        i,
        fc.constantFrom(1, 1, 2, 0, 300),
        fc.boolean(),
      )
      .map(
        ([u, type, bits, off, n, viaIndex]) =>
          (s: AnySel4, p: (i: number) => number) =>
            s.seL4_Untyped_Retype(
              p(u === 0 || u > 30 ? 0 : u),
              type,
              bits,
              2,
              viaIndex ? 2 : 0,
              viaIndex ? 64 : 0,
              p(off),
              n,
            ),
      ),
    fc.tuple(type, i).map(
      ([type, off]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_Untyped_Retype(p(0), type, type === 4 ? 2 : 0, 2, 0, 0, p(off), 1),
    ),
    fc.tuple(type, i).map(
      ([type, off]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_Untyped_Retype(p(0), type, 0, 2, 0, 0, p(off), 1),
    ),
    fc.tuple(fc.constantFrom(...frameType), i, fc.constantFrom(12, 13, 16, 21)).map(
      ([type, off, bits]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_Untyped_Retype(p(0), type === 99 ? 0 : type, bits, 2, 0, 0, p(off), 1),
    ),
    fc.tuple(i, depth, i, depth, rights).map(
      ([d, dd, src, sd, r]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_CNode_Copy(2, p(d), dd, 2, p(src), sd, r),
    ),
    fc.tuple(i, i, rights, w).map(
      ([d, src, r, b]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_CNode_Mint(2, p(d), 64, 2, p(src), 64, r, b),
    ),
    fc.tuple(i, i).map(
      ([d, src]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_CNode_Move(2, p(d), 64, 2, p(src), 64),
    ),
    fc.tuple(i, i, w).map(
      ([d, src, b]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_CNode_Mutate(2, p(d), 64, 2, p(src), 64, b),
    ),
    fc.tuple(i, i, i).map(
      ([d, pv, src]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_CNode_Rotate(2, p(d), 64, 0n, 2, p(pv), 64, 0n, 2, p(src), 64),
    ),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_CNode_Delete(2, p(d), 64)),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_CNode_Revoke(2, p(d), 64)),
    i.map(
      (d) => (s: AnySel4, p: (i: number) => number) => s.seL4_CNode_CancelBadgedSends(2, p(d), 64),
    ),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_CNode_SaveCaller(2, p(d), 64)),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_TCB_Suspend(p(d))),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_TCB_Resume(p(d))),
    fc.tuple(i, fc.nat(255)).map(
      ([d, prio]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_TCB_SetPriority(p(d), 1, prio),
    ),
    fc.tuple(i, i).map(
      ([t, n]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_TCB_BindNotification(p(t), p(n)),
    ),
    i.map((t) => (s: AnySel4, p: (i: number) => number) => s.seL4_TCB_UnbindNotification(p(t))),
    fc.tuple(i, i, i).map(
      ([t, cs, buf]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.seL4_TCB_Configure(p(t), p(cs), 2, 0n, 3, 0n, 0x1000, p(buf)),
    ),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_Signal(p(d))),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_Poll(p(d))),
    i.map(
      (d) => (s: AnySel4, p: (i: number) => number) =>
        s.seL4_NBSend(p(d), seL4_MessageInfo_new(1, 0, 1, 2)),
    ),
    i.map((d) => (s: AnySel4, p: (i: number) => number) => s.seL4_NBRecv(p(d))),
    fc.tuple(i, i).map(([d, c]) => (s: AnySel4, p: (i: number) => number) => {
      s.seL4_SetCap(0, p(c));
      s.seL4_SetCapReceivePath(2, p(c + 1), 64n);
      return s.seL4_NBSend(p(d), seL4_MessageInfo_new(0, 0, 1, 0));
    }),
    fc.tuple(i, i, vaddr, rights).map(
      ([f, vs, va, r]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.config === "aarch64"
            ? s.seL4_ARM_Page_Map(p(f), vs === 0 ? 3 : p(vs), va, r, 3)
            : s.seL4_X86_Page_Map(p(f), vs === 0 ? 3 : p(vs), va, r, 0),
    ),
    fc.tuple(i, i, vaddr).map(
      ([t, vs, va]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.config === "aarch64"
            ? s.seL4_ARM_PageTable_Map(p(t), vs === 0 ? 3 : p(vs), va, 3)
            : s.seL4_X86_PageTable_Map(p(t), vs === 0 ? 3 : p(vs), va, 0),
    ),
    i.map(
      (f) => (s: AnySel4, p: (i: number) => number) =>
        s.config === "aarch64" ? s.seL4_ARM_Page_Unmap(p(f)) : s.seL4_X86_Page_Unmap(p(f)),
    ),
    i.map(
      (t) => (s: AnySel4, p: (i: number) => number) =>
        s.config === "aarch64"
          ? s.seL4_ARM_PageTable_Unmap(p(t))
          : s.seL4_X86_PageTable_Unmap(p(t)),
    ),
    i.map(
      (v) => (s: AnySel4, p: (i: number) => number) =>
        s.config === "aarch64"
          ? s.seL4_ARM_ASIDPool_Assign(6, p(v))
          : s.seL4_X86_ASIDPool_Assign(6, p(v)),
    ),
    fc.tuple(i, i).map(
      ([u, d]) =>
        (s: AnySel4, p: (i: number) => number) =>
          s.config === "aarch64"
            ? s.seL4_ARM_ASIDControl_MakePool(5, p(u), 2, p(d), 64)
            : s.seL4_X86_ASIDControl_MakePool(5, p(u), 2, p(d), 64),
    ),
    fc.tuple(fc.nat(40), i, i).map(([irq, d, n]) => (s: AnySel4, p: (i: number) => number) => {
      if (s.config === "aarch64") s.seL4_IRQControl_Get(4, 30 + irq, 2, p(d), 64);
      return s.seL4_IRQHandler_SetNotification(p(d), p(n));
    }),
  );
}

export function runCalls(
  calls: readonly Call[],
  pick: (i: number) => number,
  check: () => void,
): ThreadProgram {
  return async ({ sel4 }) => {
    for (const [i, call] of calls.entries()) {
      try {
        call(sel4, pick);
      } catch (e) {
        if (!(e instanceof Sel4ArgumentError)) throw e;
      }
      check();
      if (i % 5 === 4) {
        // A blocking call: Yield, or Send/Recv/Call on some pool slot (may block for good).
        // Only block on endpoints/notifications (a fault with no handler would just stop the thread).
        let target = -1;
        for (let j = 1; j <= 40 && target < 0; j++) {
          const c = pick((i * 7 + j) % 41);
          if (sel4.seL4_DebugCapIdentify(c) === 4) target = c;
        }
        const kind = target < 0 ? 0 : Math.floor(i / 5) % 4;
        if (kind === 0) await sel4.seL4_Yield();
        else if (kind === 1) await sel4.seL4_Send(target, seL4_MessageInfo_new(0, 0, 0, 1));
        else if (kind === 2) await sel4.seL4_Recv(target);
        else await sel4.seL4_Call(target, seL4_MessageInfo_new(3, 0, 0, 2));
        check();
      }
    }
  };
}
