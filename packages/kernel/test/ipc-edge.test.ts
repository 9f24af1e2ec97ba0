/** IPC and fault corner cases (§5.3-§5.7, §6.9-§6.10). */
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_NoError,
  seL4_NotificationObject,
  seL4_UntypedObject,
} from "@sel4/sel4";
import { expect, it } from "vitest";
import { type AnySel4, ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;
const msg = (label: number, length: number, caps = 0) =>
  seL4_MessageInfo_new(label, 0, caps, length);

function make(sel4: AnySel4, ut: number, type: number, slot: number): number {
  expect(sel4.seL4_Untyped_Retype(ut, type, 0, root, 0, 0, slot, 1)).toBe(seL4_NoError);
  return slot;
}

it("a cap is not transferred into an occupied receive slot; the data still arrives", async () => {
  const out: number[] = [];
  await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi);
    const ep = make(sel4, ut, seL4_EndpointObject, alloc());
    const n = make(sel4, ut, seL4_NotificationObject, alloc());
    const occupied = make(sel4, ut, seL4_NotificationObject, alloc());
    startThread(
      sel4,
      kernel,
      alloc,
      ut,
      async ({ sel4: s }) => {
        s.seL4_SetMR(0, 5n);
        s.seL4_SetCap(0, n);
        await s.seL4_Send(ep, msg(0, 1, 1));
      },
      { prio: 10 },
    );
    sel4.seL4_SetCapReceivePath(root, occupied, 64n);
    const r = await sel4.seL4_Recv(ep);
    out.push(r.info.extraCaps, r.info.length, Number(sel4.seL4_GetMR(0)));
  });
  expect(out).toEqual([0, 1, 5]);
});

it("a bound notification does not wake a thread blocked on reply; it waits for the next Recv", async () => {
  const out: bigint[] = [];
  await runRoot({ arch: "x86_64" }, async (sel4, bi, kernel) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi);
    const ep = make(sel4, ut, seL4_EndpointObject, alloc());
    const n = make(sel4, ut, seL4_NotificationObject, alloc());
    const nb = alloc();
    sel4.seL4_CNode_Mint(root, nb, 64, root, n, 64, seL4_AllRights, 8n);
    sel4.seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50);
    const client = startThread(
      sel4,
      kernel,
      alloc,
      ut,
      async ({ sel4: s }) => {
        await s.seL4_Call(ep, msg(0, 0));
        out.push(1n);
        out.push((await s.seL4_Recv(ep)).sender);
      },
      { prio: 100 },
    );
    sel4.seL4_TCB_BindNotification(client, n);
    await sel4.seL4_Recv(ep); // the client is now blocked on reply
    sel4.seL4_Signal(nb);
    await sel4.seL4_Yield();
    out.push(0n);
    sel4.seL4_Reply(msg(0, 0));
    await sel4.seL4_Yield();
  });
  expect(out).toEqual([0n, 1n, 8n]);
});

it("a VMFault reply always restarts the thread at its FaultIP (the fault repeats)", async () => {
  const faults: bigint[] = [];
  await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi);
    const ep = make(sel4, ut, seL4_EndpointObject, alloc());
    // A thread whose pc is unmapped: instruction VMFault; the handler replies (restart at FaultIP).
    const t = startThread(sel4, kernel, alloc, ut, async () => {}, { faultEP: ep, resume: false });
    if (sel4.config !== "aarch64") return;
    const regs = sel4.seL4_TCB_ReadRegisters(t, false, 0, 36).regs;
    sel4.seL4_TCB_WriteRegisters(t, true, 0, 36, { ...regs, pc: 0x5000n });
    for (let i = 0; i < 2; i++) {
      const f = await sel4.seL4_Recv(ep);
      faults.push(BigInt(f.info.label), sel4.seL4_GetMR(1));
      sel4.seL4_Reply(msg(0, 0)); // VMFault replies always restart: the fault repeats
    }
  });
  expect(faults).toEqual([5n, 0x5000n, 5n, 0x5000n]);
});

it("revoking an untyped destroys its objects, including threads blocked on its endpoints", async () => {
  let cnt = 0;
  const kernel = await runRoot({ arch: "aarch64" }, async (sel4, bi, k) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi);
    const sub = alloc();
    expect(sel4.seL4_Untyped_Retype(ut, seL4_UntypedObject, 18, root, 0, 0, sub, 1)).toBe(0);
    const ep = make(sel4, sub, seL4_EndpointObject, alloc());
    sel4.seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50);
    for (let i = 0; i < 3; i++) {
      startThread(
        sel4,
        k,
        alloc,
        sub,
        async ({ sel4: s }) => {
          cnt++;
          await s.seL4_Recv(ep);
          cnt += 100;
        },
        { prio: 100 },
      );
    }
    await sel4.seL4_Yield();
    expect(sel4.seL4_CNode_Revoke(root, sub, 64)).toBe(seL4_NoError);
    await sel4.seL4_Yield();
    // The untyped resets: the whole 256 KiB is free again.
    expect(sel4.seL4_Untyped_Retype(sub, seL4_UntypedObject, 18, root, 0, 0, alloc(), 1)).toBe(0);
  });
  expect(cnt).toBe(3);
  expect(kernel.checkInvariants()).toEqual([]);
});
