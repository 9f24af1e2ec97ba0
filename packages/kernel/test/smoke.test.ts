import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_NoError,
  seL4_TCBObject,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { ramUntyped, runRoot, slots } from "./helpers.js";

describe("smoke", () => {
  for (const arch of ["aarch64", "x86_64"] as const) {
    it(`${arch}: endpoint, second thread, badged message`, async () => {
      const seen: bigint[] = [];
      let helperEntry = 0n;
      const kernel = await runRoot(
        { arch },
        async (sel4, bi) => {
          const slot = slots(bi);
          const ut = ramUntyped(bi);
          const ep = slot();
          const badged = slot();
          const tcb = slot();
          const buffer = slot();
          const root = seL4_CapInitThreadCNode;
          const pageObject = arch === "aarch64" ? 7 : 8;
          expect(sel4.seL4_Untyped_Retype(ut, pageObject, 0, root, 0, 0, buffer, 1)).toBe(
            seL4_NoError,
          );
          expect(sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1)).toBe(
            seL4_NoError,
          );
          expect(sel4.seL4_CNode_Mint(root, badged, 64, root, ep, 64, seL4_AllRights, 42n)).toBe(
            seL4_NoError,
          );
          expect(sel4.seL4_Untyped_Retype(ut, seL4_TCBObject, 0, root, 0, 0, tcb, 1)).toBe(
            seL4_NoError,
          );
          expect(sel4.seL4_TCB_Configure(tcb, 0, root, 0n, 3, 0n, 0x50_0000, buffer)).toBe(
            seL4_NoError,
          );
          expect(sel4.seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 100)).toBe(seL4_NoError);
          const regs = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, arch === "aarch64" ? 36 : 20);
          expect(regs.error).toBe(seL4_NoError);
          const ctx = { ...regs.regs } as Record<string, bigint>;
          if (arch === "aarch64") {
            ctx.pc = helperEntry;
            ctx.x0 = BigInt(badged);
          } else {
            ctx.rip = helperEntry;
            ctx.rdi = BigInt(badged);
          }
          expect(
            sel4.seL4_TCB_WriteRegisters(tcb, true, 0, arch === "aarch64" ? 36 : 20, ctx as never),
          ).toBe(seL4_NoError);
          const r = await sel4.seL4_Recv(ep);
          seen.push(r.sender, sel4.seL4_GetMR(0));
        },
        (k) => {
          helperEntry = k.registerProgram(async ({ sel4, args }) => {
            sel4.seL4_SetMR(0, 0xdead_beefn);
            await sel4.seL4_Send(Number(args[0]), seL4_MessageInfo_new(0, 0, 0, 1));
          });
        },
      );
      expect(seen).toEqual([42n, 0xdead_beefn]);
      expect(kernel.checkInvariants()).toEqual([]);
    });
  }
});
