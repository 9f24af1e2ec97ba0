/** x86 EnableIOPort grants belong to the IOPort cap that made them (§9.2, §9.6). */
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CapIOPortControl,
  seL4_NoError,
  seL4_RevokeFirst,
  seL4_X86_VCPUObject,
} from "@sel4/sel4";
import { expect, it } from "vitest";
import type { ExecutionContext, ExecutorExit, ThreadExecutor } from "../src/index.js";
import { ramUntyped, runRoot, slots } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

/** Reports the VCPU's enabled ports at each guest entry, then exits at once. */
class PortProbe implements ThreadExecutor {
  readonly seen: number[][] = [];
  canExecute(): boolean {
    return true;
  }
  execute(ctx: ExecutionContext): ExecutorExit {
    this.seen.push([...(ctx.vcpu?.ioPortsEnabled ?? [])].sort((a, b) => a - b));
    return { kind: "vmexit", words: new Array<bigint>(17).fill(0n) };
  }
}

it("a new grant through the same cap withdraws the old one; deleting any copy withdraws its grant", async () => {
  const probe = new PortProbe();
  const errors: number[] = [];
  await runRoot(
    { arch: "x86_64" },
    async (sel4, bi) => {
      if (sel4.config !== "x86_64") return;
      const alloc = slots(bi);
      const [a, b, v] = [alloc(), alloc(), alloc()];
      expect(
        sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x60, 0x6f, root, a, 64),
      ).toBe(0);
      expect(sel4.seL4_CNode_Copy(root, b, 64, root, a, 64, seL4_AllRights)).toBe(0);
      expect(
        sel4.seL4_Untyped_Retype(ramUntyped(bi), seL4_X86_VCPUObject, 0, root, 0, 0, v, 1),
      ).toBe(0);
      expect(sel4.seL4_X86_VCPU_SetTCB(v, seL4_CapInitThreadTCB)).toBe(0);
      const look = async () => {
        await sel4.seL4_VMEnter();
      };
      sel4.seL4_X86_VCPU_EnableIOPort(v, a, 0x60, 0x61);
      await look();
      sel4.seL4_X86_VCPU_EnableIOPort(v, a, 0x62, 0x62);
      await look();
      sel4.seL4_X86_VCPU_EnableIOPort(v, b, 0x68, 0x68);
      await look();
      // Deleting `a` (not the last cap of the range) withdraws its grant: its whole range.
      expect(sel4.seL4_CNode_Delete(root, a, 64)).toBe(seL4_NoError);
      await look();
      errors.push(
        sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x60, 0x60, root, alloc(), 64),
      );
      expect(sel4.seL4_CNode_Delete(root, b, 64)).toBe(seL4_NoError);
      errors.push(
        sel4.seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x60, 0x60, root, alloc(), 64),
      );
    },
    (k) => k.setExecutor(probe),
  );
  expect(probe.seen).toEqual([[0x60, 0x61], [0x62], [0x62, 0x68], []]);
  expect(errors).toEqual([seL4_RevokeFirst, seL4_NoError]);
});
