// Throughput of the kernel model: Untyped_Retype + Page_Map of 4 KiB frames, Call/ReplyRecv
// round trips between two threads, and heap per 1,000 live objects. Each benchmark drives a
// long-lived root task: the bench raises an interrupt that wakes it, it does one batch of work
// and waits again, so boot cost stays out of the figures.
import {
  type Sel4_AArch64,
  seL4_AllRights,
  seL4_ARM_PageTableObject,
  seL4_ARM_SmallPageObject,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace,
  seL4_CapIRQControl,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_NotificationObject,
  seL4_TCBObject,
} from "@sel4/sel4";
import { bench, describe } from "vitest";
import { Kernel, type RootTask, type ThreadProgram } from "../src/index.js";

const root = seL4_CapInitThreadCNode;
const BATCH = 1000;
const IRQ = 40;

/** Boots a kernel whose root task runs `batch` each time IRQ 40 fires. */
async function driver(
  setup: (sel4: Sel4_AArch64, alloc: () => number, ut: number, kernel: Kernel) => void,
  batch: (sel4: Sel4_AArch64) => Promise<void>,
): Promise<() => Promise<void>> {
  const kernel = new Kernel({ arch: "aarch64", ramSize: 2 ** 31 });
  const task: RootTask = async (s, bi) => {
    const sel4 = s as Sel4_AArch64;
    let next = bi.empty.start;
    const alloc = () => next++;
    const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 30);
    const ntfn = alloc();
    const handler = alloc();
    sel4.seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, root, 0, 0, ntfn, 1);
    sel4.seL4_IRQControl_Get(seL4_CapIRQControl, IRQ, root, handler, 64);
    sel4.seL4_IRQHandler_SetNotification(handler, ntfn);
    setup(sel4, alloc, ut, kernel);
    for (;;) {
      await sel4.seL4_Wait(ntfn);
      await batch(sel4);
      sel4.seL4_IRQHandler_Ack(handler);
    }
  };
  kernel.start(task);
  await kernel.idle();
  return async () => {
    kernel.raiseIRQ(IRQ);
    await kernel.idle();
  };
}

describe("kernel model", async () => {
  // Retype + map: frames into a fresh slot range each batch; delete them afterwards so the
  // untyped resets (the delete is part of the measured batch, a real allocator's cycle).
  let framesBase = 0;
  let frameUt = 0;
  const retypeMap = await driver(
    (sel4, alloc, ut) => {
      const [pt1, pt2] = [alloc(), alloc()];
      sel4.seL4_Untyped_Retype(ut, seL4_ARM_PageTableObject, 0, root, 0, 0, pt1, 2);
      sel4.seL4_ARM_PageTable_Map(pt1, seL4_CapInitThreadVSpace, 0x1000_0000, 3);
      sel4.seL4_ARM_PageTable_Map(pt2, seL4_CapInitThreadVSpace, 0x1000_0000, 3);
      alloc();
      framesBase = alloc();
      for (let i = 1; i < 512; i++) alloc();
      frameUt = alloc();
      sel4.seL4_Untyped_Retype(ut, 0, 22, root, 0, 0, frameUt, 1);
    },
    async (sel4) => {
      for (let i = 0; i < 512; i++) {
        sel4.seL4_Untyped_Retype(
          frameUt,
          seL4_ARM_SmallPageObject,
          0,
          root,
          0,
          0,
          framesBase + i,
          1,
        );
        sel4.seL4_ARM_Page_Map(
          framesBase + i,
          seL4_CapInitThreadVSpace,
          0x1000_0000 + i * 4096,
          seL4_AllRights,
          3,
        );
      }
      sel4.seL4_CNode_Revoke(root, frameUt, 64);
    },
  );

  // IPC: a client Calls a server BATCH times per batch; the server answers with ReplyRecv.
  let ep = 0;
  const calls = await driver(
    (sel4, alloc, ut, kernel) => {
      const serverEp = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, serverEp, 1);
      const server: ThreadProgram = async ({ sel4: s }) => {
        await s.seL4_Recv(serverEp);
        for (;;) await s.seL4_ReplyRecv(serverEp, seL4_MessageInfo_new(0, 0, 0, 1));
      };
      const tcb = alloc();
      const frame = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_TCBObject, 0, root, 0, 0, tcb, 1);
      sel4.seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0, root, 0, 0, frame, 1);
      sel4.seL4_TCB_Configure(tcb, 0, root, 0n, seL4_CapInitThreadVSpace, 0n, 0x2000_0000, frame);
      sel4.seL4_TCB_SetSchedParams(tcb, 1, 254, 254);
      const regs = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, 36).regs;
      sel4.seL4_TCB_WriteRegisters(tcb, true, 0, 36, {
        ...regs,
        pc: kernel.registerProgram(server),
      });
      ep = alloc();
      sel4.seL4_CNode_Copy(root, ep, 64, root, serverEp, 64, seL4_AllRights);
    },
    async (sel4) => {
      for (let i = 0; i < BATCH; i++) {
        sel4.seL4_SetMR(0, BigInt(i));
        await sel4.seL4_Call(ep, seL4_MessageInfo_new(1, 0, 0, 1));
      }
    },
  );

  bench("Untyped_Retype + Page_Map, 512 x 4 KiB frames (+ one Revoke)", retypeMap);
  bench(`Call/ReplyRecv round trips, ${BATCH} per iteration`, calls);
});
