/** The README's root-task example, verbatim apart from collecting instead of printing. */
import {
  seL4_CapInitThreadCNode as root,
  type Sel4_AArch64,
  seL4_AllRights,
  seL4_ARM_SmallPageObject,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_TCBObject,
} from "@sel4/sel4";
import { expect, it } from "vitest";
import { Kernel } from "../src/index.js";

it("README example: endpoint, second thread, badged message", async () => {
  const printed: bigint[] = [];
  const kernel = new Kernel({ arch: "aarch64", ramSize: 256 * 2 ** 20 });

  const helper = kernel.registerProgram(async ({ sel4, args }) => {
    sel4.seL4_SetMR(0, 0xcafen);
    await sel4.seL4_Send(Number(args[0]), seL4_MessageInfo_new(0, 0, 0, 1));
  });

  await kernel.run(async (s, bootInfo) => {
    const sel4 = s as Sel4_AArch64;
    let free = bootInfo.empty.start;
    const ut =
      bootInfo.untyped.start +
      bootInfo.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
    const [ep, badged, tcb, buffer] = [free++, free++, free++, free++];

    sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1);
    sel4.seL4_CNode_Mint(root, badged, 64, root, ep, 64, seL4_AllRights, 42n);
    sel4.seL4_Untyped_Retype(ut, seL4_TCBObject, 0, root, 0, 0, tcb, 1);
    sel4.seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0, root, 0, 0, buffer, 1);
    sel4.seL4_TCB_Configure(tcb, 0, root, 0n, seL4_CapInitThreadVSpace, 0n, 0x1000_0000, buffer);
    sel4.seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 100, 100);
    const { regs } = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, 36);
    sel4.seL4_TCB_WriteRegisters(tcb, true, 0, 36, { ...regs, pc: helper, x0: BigInt(badged) });

    const { sender } = await sel4.seL4_Recv(ep);
    printed.push(sender, sel4.seL4_GetMR(0));
  });
  expect(printed).toEqual([42n, 0xcafen]);
});
