/**
 * CSPACE0001 (§3.2, §12.3): a chain of one-bit CNodes consumes every bit of a CPtr. CPtrs are
 * numbers below 2^53 in this API, so the chain's root cap carries an 11-bit zero guard and 53
 * one-bit levels follow (64 bits in all); the endpoint sits at the end of the alternating path.
 */
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace,
  seL4_CapTableObject,
  seL4_CNode_CapData_new,
  seL4_EndpointObject,
  seL4_NoError,
  wordFromCNodeCapData,
} from "@sel4/sel4";
import { expect, it } from "vitest";
import { ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;
const LEVELS = 53;

it("CSPACE0001: every CPtr off the path is InvalidCapability (no cap fault); the path reaches the endpoint", async () => {
  const labels: number[] = [];
  let received = -1n;
  await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
    const alloc = slots(bi);
    const ut = ramUntyped(bi);
    const nodes: number[] = [];
    for (let i = 0; i < LEVELS; i++) {
      const n = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_CapTableObject, 1, root, 0, 0, n, 1)).toBe(
        seL4_NoError,
      );
      nodes.push(n);
    }
    const ep = alloc();
    expect(sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1)).toBe(
      seL4_NoError,
    );
    // Level i decides bit (52 - i) and takes slot i % 2.
    let epPos = 0;
    for (let i = 0; i < LEVELS; i++) epPos += (i % 2) * 2 ** (LEVELS - 1 - i);
    expect(
      sel4.seL4_CNode_Copy(nodes[LEVELS - 1]!, (LEVELS - 1) % 2, 1, root, ep, 64, seL4_AllRights),
    ).toBe(0);
    for (let i = LEVELS - 1; i >= 1; i--) {
      expect(
        sel4.seL4_CNode_Copy(nodes[i - 1]!, (i - 1) % 2, 1, root, nodes[i]!, 64, seL4_AllRights),
      ).toBe(0);
    }
    const probes = [
      ...Array.from({ length: 64 }, (_, i) => i),
      ...Array.from({ length: LEVELS }, (_, b) => {
        const bit = 2 ** b;
        return Math.floor(epPos / bit) % 2 === 1 ? epPos - bit : epPos + bit;
      }),
    ];
    const t = startThread(
      sel4,
      kernel,
      alloc,
      ut,
      async ({ port }) => {
        for (const cptr of probes) labels.push(Number(port.syscall(-1, cptr, 0n).info >> 12n));
        await port.syscallBlocking(-3, epPos, 1n);
      },
      { resume: false },
    );
    const guard = wordFromCNodeCapData(seL4_CNode_CapData_new(0n, 64 - LEVELS));
    expect(sel4.seL4_TCB_SetSpace(t, 0, nodes[0]!, guard, seL4_CapInitThreadVSpace, 0n)).toBe(
      seL4_NoError,
    );
    expect(sel4.seL4_TCB_Resume(t)).toBe(seL4_NoError);
    const r = await sel4.seL4_Recv(ep);
    received = BigInt(r.info.length);
  });
  expect(labels.length).toBe(64 + LEVELS);
  expect(labels.every((l) => l === 2)).toBe(true);
  expect(received).toBe(1n);
});
