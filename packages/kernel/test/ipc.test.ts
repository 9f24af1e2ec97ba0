/** Endpoint IPC, reply caps, cap transfer, notifications and binding (§5, sel4test §12.5). */
import {
  seL4_AllRights,
  seL4_CanGrant,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapRights_new,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_NoError,
  seL4_NotificationObject,
  seL4_TCBObject,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { type AnySel4, ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;
const msg = (label: number, length: number, extraCaps = 0) =>
  seL4_MessageInfo_new(label, 0, extraCaps, length);

function retype(sel4: AnySel4, ut: number, type: number, slot: number): number {
  expect(sel4.seL4_Untyped_Retype(ut, type, 0, root, 0, 0, slot, 1)).toBe(seL4_NoError);
  return slot;
}

describe.each(["aarch64", "x86_64"] as const)("%s IPC", (arch) => {
  it("IPC0001/0004: Send and NBSend + Recv for lengths 0..120; NBSend without a receiver is dropped", async () => {
    let checked = 0;
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      // Nobody waits: an NBSend is dropped, a later NBRecv finds nothing.
      sel4.seL4_NBSend(ep, msg(5, 0));
      expect(sel4.seL4_NBRecv(ep).info.label).toBe(0);
      for (const nb of [false, true]) {
        startThread(
          sel4,
          kernel,
          alloc,
          ut,
          async ({ sel4: s }) => {
            for (let len = 0; len <= 120; len++) {
              for (let i = 0; i < len; i++) s.seL4_SetMR(i, BigInt(len * 1000 + i));
              if (nb) s.seL4_NBSend(ep, msg(len + 1, len));
              else await s.seL4_Send(ep, msg(len + 1, len));
              if (nb) await s.seL4_Yield();
            }
          },
          { prio: 100 },
        );
        for (let len = 0; len <= 120; len++) {
          const got = await sel4.seL4_Recv(ep);
          expect(got.info.length).toBe(len);
          expect(got.info.label).toBe(len + 1);
          for (let i = 0; i < len; i++) expect(sel4.seL4_GetMR(i)).toBe(BigInt(len * 1000 + i));
          checked++;
        }
      }
    });
    expect(checked).toBe(242);
  });

  it("IPC0002: Call + ReplyRecv echo with incremented words, badge delivered", async () => {
    const replies: bigint[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const badged = alloc();
      expect(sel4.seL4_CNode_Mint(root, badged, 64, root, ep, 64, seL4_AllRights, 0xabcn)).toBe(
        seL4_NoError,
      );
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          for (let n = 1; n <= 3; n++) {
            for (let i = 0; i < n * 10; i++) s.seL4_SetMR(i, BigInt(i));
            const info = await s.seL4_Call(badged, msg(7, n * 10));
            expect(info.length).toBe(n * 10);
            for (let i = 0; i < n * 10; i++) replies.push(s.seL4_GetMR(i));
          }
        },
        { prio: 100 },
      );
      let r = await sel4.seL4_Recv(ep);
      for (let n = 1; n <= 3; n++) {
        expect(r.sender).toBe(0xabcn);
        expect(r.info.label).toBe(7);
        for (let i = 0; i < r.info.length; i++) sel4.seL4_SetMR(i, sel4.seL4_GetMR(i) + 1n);
        if (n < 3) r = await sel4.seL4_ReplyRecv(ep, msg(0, r.info.length));
        else sel4.seL4_Reply(msg(0, r.info.length));
      }
    });
    expect(replies.length).toBe(60);
    expect(replies.slice(0, 3)).toEqual([1n, 2n, 3n]);
  });

  it("IPCRIGHTS0001/0002: Send without Write is dropped; Recv without Read faults", async () => {
    const got: bigint[] = [];
    const faults: { label: number; mrs: bigint[] }[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const noWrite = alloc();
      const noRead = alloc();
      const faultEP = retype(sel4, ut, seL4_EndpointObject, alloc());
      sel4.seL4_CNode_Copy(root, noWrite, 64, root, ep, 64, seL4_CanRead);
      sel4.seL4_CNode_Copy(root, noRead, 64, root, ep, 64, seL4_CanWrite);
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          s.seL4_SetMR(0, 1n);
          await s.seL4_Send(noWrite, msg(0, 1));
          s.seL4_SetMR(0, 2n);
          await s.seL4_Send(ep, msg(0, 1));
        },
        { prio: 200 },
      );
      await sel4.seL4_Recv(ep);
      got.push(sel4.seL4_GetMR(0));
      // A receiver without Read takes a CapFault (in receive phase) to its fault endpoint.
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          await s.seL4_Recv(noRead);
        },
        { prio: 200, faultEP },
      );
      const f = await sel4.seL4_Recv(faultEP);
      faults.push({
        label: f.info.label,
        mrs: Array.from({ length: f.info.length }, (_, i) => sel4.seL4_GetMR(i)),
      });
    });
    expect(got).toEqual([2n]);
    expect(faults[0]!.label).toBe(1);
    // MR1 = CPtr, MR2 = in receive phase, MR3 = MissingCapability, MR4 = bitsLeft 0.
    expect(faults[0]!.mrs.slice(1)).toEqual([BigInt(faults[0]!.mrs[1]!), 1n, 2n, 0n]);
  });

  it("IPCRIGHTS0003: caps transfer only with Grant; own-endpoint caps are unwrapped to badges", async () => {
    const result: Record<string, number | bigint> = {};
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const other = retype(sel4, ut, seL4_EndpointObject, alloc());
      const noGrant = alloc();
      sel4.seL4_CNode_Copy(
        root,
        noGrant,
        64,
        root,
        ep,
        64,
        seL4_CapRights_new(false, false, true, true),
      );
      const badgedSelf = alloc();
      sel4.seL4_CNode_Mint(root, badgedSelf, 64, root, ep, 64, seL4_AllRights, 77n);
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          s.seL4_SetCap(0, other);
          await s.seL4_Send(noGrant, msg(1, 0, 1));
          s.seL4_SetCap(0, other);
          await s.seL4_Send(ep, msg(2, 0, 1));
          s.seL4_SetCap(0, badgedSelf);
          await s.seL4_Send(ep, msg(3, 0, 1));
        },
        { prio: 50 },
      );
      const recvSlot = alloc();
      sel4.seL4_SetCapReceivePath(root, recvSlot, 64n);
      let r = await sel4.seL4_Recv(ep);
      result.noGrantCaps = r.info.extraCaps;
      result.noGrantTag = sel4.seL4_DebugCapIdentify(recvSlot);
      r = await sel4.seL4_Recv(ep);
      result.grantCaps = r.info.extraCaps;
      result.grantTag = sel4.seL4_DebugCapIdentify(recvSlot);
      sel4.seL4_SetCapReceivePath(root, alloc(), 64n);
      r = await sel4.seL4_Recv(ep);
      result.unwrapped = r.info.capsUnwrapped;
      result.unwrappedBadge = sel4.seL4_GetBadge(0);
    });
    expect(result).toEqual({
      noGrantCaps: 0,
      noGrantTag: 0,
      grantCaps: 1,
      grantTag: 4,
      unwrapped: 1,
      unwrappedBadge: 77n,
    });
  });

  it("IPCRIGHTS0004: Call without Grant/GrantReply leaves the caller Inactive and no reply cap", async () => {
    const events: string[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const rw = alloc();
      sel4.seL4_CNode_Copy(
        root,
        rw,
        64,
        root,
        ep,
        64,
        seL4_CapRights_new(false, false, true, true),
      );
      const t = startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          events.push("call");
          await s.seL4_Call(rw, msg(0, 0));
          events.push("returned");
        },
        { prio: 50 },
      );
      await sel4.seL4_Recv(ep);
      const saved = alloc();
      expect(sel4.seL4_CNode_SaveCaller(root, saved, 64)).toBe(seL4_NoError);
      events.push(`saved:${sel4.seL4_DebugCapIdentify(saved)}`);
      const regs = sel4.seL4_TCB_ReadRegisters(t, false, 0, 3);
      events.push(`read:${regs.error}`);
      // Resume re-executes the Call: the message arrives again.
      sel4.seL4_TCB_Resume(t);
      await sel4.seL4_Recv(ep);
      events.push("again");
    });
    expect(events).toEqual(["call", "saved:0", "read:0", "again"]);
  });

  it("IPCRIGHTS0005 + SaveCaller: reply cap Grant comes from the receiver's Recv cap", async () => {
    const got: Record<number, number[]> = {};
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const gift = retype(sel4, ut, seL4_NotificationObject, alloc());
      const recvNoGrant = alloc();
      sel4.seL4_CNode_Copy(
        root,
        recvNoGrant,
        64,
        root,
        ep,
        64,
        seL4_CapRights_new(true, false, true, true),
      );
      for (const [cap, label] of [
        [ep, 1],
        [recvNoGrant, 2],
      ] as const) {
        startThread(
          sel4,
          kernel,
          alloc,
          ut,
          async ({ sel4: s }) => {
            const slot = 3000 + label;
            s.seL4_SetCapReceivePath(root, slot, 64n);
            const info = await s.seL4_Call(ep, msg(label, 0));
            got[label] = [info.extraCaps, s.seL4_DebugCapIdentify(slot)];
          },
          { prio: 50 },
        );
        await sel4.seL4_Recv(cap);
        const saved = alloc();
        expect(sel4.seL4_CNode_SaveCaller(root, saved, 64)).toBe(seL4_NoError);
        expect(sel4.seL4_DebugCapIdentify(saved)).toBe(8);
        sel4.seL4_SetCap(0, gift);
        await sel4.seL4_Send(saved, msg(0, 0, 1));
        // The reply cap is consumed.
        expect(sel4.seL4_DebugCapIdentify(saved)).toBe(0);
        await sel4.seL4_Yield();
      }
    });
    // Recv through a cap with Grant: the reply carries the notification cap; without: nothing.
    expect(got).toEqual({ 1: [1, 6], 2: [0, 0] });
  });

  it("notifications: OR of badges, Poll, Wait blocks, unbadged signal wakes with 0", async () => {
    const seen: bigint[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const n = retype(sel4, ut, seL4_NotificationObject, alloc());
      const b1 = alloc();
      const b2 = alloc();
      sel4.seL4_CNode_Mint(root, b1, 64, root, n, 64, seL4_AllRights, 1n);
      sel4.seL4_CNode_Mint(root, b2, 64, root, n, 64, seL4_AllRights, 4n);
      seen.push(sel4.seL4_Poll(n).sender);
      sel4.seL4_Signal(b1);
      sel4.seL4_Signal(b2);
      seen.push(sel4.seL4_Poll(n).sender, sel4.seL4_Poll(n).sender);
      sel4.seL4_Signal(n);
      seen.push((await sel4.seL4_Wait(n)).sender);
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          s.seL4_Signal(b2);
        },
        { prio: 10 },
      );
      seen.push((await sel4.seL4_Wait(n)).sender);
    });
    expect(seen).toEqual([0n, 5n, 0n, 0n, 4n]);
  });

  it("NBWAIT0001 / BIND: bound notification wins over the endpoint; others cannot wait on it", async () => {
    const seen: (bigint | number)[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const n = retype(sel4, ut, seL4_NotificationObject, alloc());
      const b2 = alloc();
      sel4.seL4_CNode_Mint(root, b2, 64, root, n, 64, seL4_AllRights, 2n);
      const epB = alloc();
      sel4.seL4_CNode_Mint(root, epB, 64, root, ep, 64, seL4_AllRights, 1n);
      expect(sel4.seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n)).toBe(seL4_NoError);
      expect(sel4.seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n)).toBe(3);
      seen.push(sel4.seL4_NBRecv(ep).sender, sel4.seL4_Poll(n).sender);
      sel4.seL4_Signal(b2);
      seen.push(sel4.seL4_Poll(n).sender, sel4.seL4_Poll(n).sender);
      sel4.seL4_Signal(b2);
      seen.push(sel4.seL4_NBRecv(ep).sender, sel4.seL4_NBRecv(ep).sender);
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          s.seL4_SetMR(0, 0xdeadbeefn);
          await s.seL4_Send(epB, msg(0, 1));
        },
        { prio: 255 },
      );
      await sel4.seL4_Yield();
      const r = sel4.seL4_NBRecv(ep);
      seen.push(r.sender, r.info.length, sel4.seL4_GetMR(0));
      // A blocked bound receiver is woken by a signal with the badge.
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          s.seL4_Signal(b2);
        },
        { prio: 10 },
      );
      seen.push((await sel4.seL4_Recv(ep)).sender);
      expect(sel4.seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB)).toBe(seL4_NoError);
      expect(sel4.seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB)).toBe(3);
    });
    expect(seen).toEqual([0n, 0n, 2n, 0n, 2n, 0n, 1n, 1, 0xdeadbeefn, 2n]);
  });

  it("CANCEL_BADGED_SENDS: revoke + cancel aborts exactly the callers with that badge", async () => {
    const results: number[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const badged: number[] = [];
      for (let i = 0; i < 4; i++) {
        const b = alloc();
        sel4.seL4_CNode_Mint(root, b, 64, root, ep, 64, seL4_AllRights, BigInt(200 + i));
        const copy = alloc();
        sel4.seL4_CNode_Copy(root, copy, 64, root, b, 64, seL4_AllRights);
        badged.push(b);
        startThread(
          sel4,
          kernel,
          alloc,
          ut,
          async ({ sel4: s }) => {
            const info = await s.seL4_Call(copy, msg(0, 0));
            results[i] = info.label;
          },
          { prio: 100 },
        );
      }
      await sel4.seL4_Yield();
      // Revoke badge 201's copies and cancel its pending sends: caller 1 restarts and fails.
      expect(sel4.seL4_CNode_Revoke(root, badged[1]!, 64)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_CancelBadgedSends(root, badged[1]!, 64)).toBe(seL4_NoError);
      await sel4.seL4_Yield();
      for (let i = 0; i < 3; i++) {
        const r = await sel4.seL4_Recv(ep);
        expect(r.sender).not.toBe(201n);
        sel4.seL4_Reply(msg(0, 0));
      }
      await sel4.seL4_Yield();
    });
    expect(results).toEqual([0, 2, 0, 0]);
  });

  it("deleting an endpoint restarts its waiters (they re-execute and fail)", async () => {
    const out: number[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          const info = await s.seL4_Call(ep, msg(0, 0));
          out.push(info.label);
        },
        { prio: 100 },
      );
      await sel4.seL4_Yield();
      expect(sel4.seL4_CNode_Delete(root, ep, 64)).toBe(seL4_NoError);
      await sel4.seL4_Yield();
    });
    expect(out).toEqual([2]);
  });

  it("IPC0010: suspend/resume a caller blocked on reply, then delete it", async () => {
    let calls = 0;
    const kernel = await runRoot({ arch }, async (sel4, bi, k) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
      const t = startThread(
        sel4,
        k,
        alloc,
        ut,
        async ({ sel4: s }) => {
          calls++;
          await s.seL4_Call(ep, msg(0, 0));
        },
        { prio: 100 },
      );
      await sel4.seL4_Recv(ep);
      expect(sel4.seL4_TCB_Suspend(t)).toBe(seL4_NoError);
      expect(sel4.seL4_TCB_Resume(t)).toBe(seL4_NoError);
      await sel4.seL4_Recv(ep);
      expect(sel4.seL4_TCB_Suspend(t)).toBe(seL4_NoError);
      expect(sel4.seL4_CNode_Delete(root, t, 64)).toBe(seL4_NoError);
      expect(sel4.seL4_Untyped_Retype(ut, seL4_TCBObject, 0, root, 0, 0, alloc(), 1)).toBe(
        seL4_NoError,
      );
    });
    expect(calls).toBe(1);
    expect(kernel.checkInvariants()).toEqual([]);
  });
});

it("a 64-bit badge round-trips through IPC", async () => {
  let badge = 0n;
  await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi);
    const ep = retype(sel4, ut, seL4_EndpointObject, alloc());
    const b = alloc();
    sel4.seL4_CNode_Mint(root, b, 64, root, ep, 64, seL4_CanGrant, 0xffff_ffff_ffff_ffffn);
    const bw = alloc();
    sel4.seL4_CNode_Mint(root, bw, 64, root, ep, 64, seL4_AllRights, 0xffff_ffff_ffff_ffffn);
    startThread(
      sel4,
      kernel,
      alloc,
      ut,
      async ({ sel4: s }) => {
        await s.seL4_Send(bw, msg(0, 0));
      },
      { prio: 10 },
    );
    badge = (await sel4.seL4_Recv(ep)).sender;
  });
  expect(badge).toBe(0xffff_ffff_ffff_ffffn);
});
