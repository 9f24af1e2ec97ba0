/** IPC scheduling effects (§5.9): who runs after a Send, a Call and a wake-up. */
import {
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
} from "@sel4/sel4";
import { expect, it } from "vitest";
import { ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

async function scenario(
  senderPrio: number,
  receiverPrio: number,
  call: boolean,
): Promise<string[]> {
  const log: string[] = [];
  await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi);
    const ep = alloc();
    sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1);
    sel4.seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 1);
    startThread(
      sel4,
      kernel,
      alloc,
      ut,
      async ({ sel4: s }) => {
        await s.seL4_Recv(ep);
        log.push("receiver");
        if (call) s.seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
      },
      { prio: receiverPrio },
    );
    await sel4.seL4_Yield(); // the receiver blocks first
    startThread(
      sel4,
      kernel,
      alloc,
      ut,
      async ({ sel4: s }) => {
        if (call) await s.seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        else await s.seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
        log.push("sender");
      },
      { prio: senderPrio },
    );
  });
  return log;
}

it("Send to a waiting receiver of equal priority: the sender continues", async () => {
  expect(await scenario(10, 10, false)).toEqual(["sender", "receiver"]);
});

it("Send to a waiting higher-priority receiver: the receiver runs at once", async () => {
  expect(await scenario(10, 20, false)).toEqual(["receiver", "sender"]);
});

it("Send to a waiting lower-priority receiver: the sender continues", async () => {
  expect(await scenario(20, 10, false)).toEqual(["sender", "receiver"]);
});

it("Call switches directly to the receiver (the caller blocks on reply)", async () => {
  expect(await scenario(10, 10, true)).toEqual(["receiver", "sender"]);
});
