/** Scheduling (§5.9, §6.5, sel4test scheduler.c) and determinism. */
import {
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_EndpointObject,
  seL4_NoError,
  seL4_RangeError,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;

describe("scheduler", () => {
  it("SCHED0004: threads run strictly from highest to lowest priority", async () => {
    const order: number[] = [];
    await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      for (let p = 0; p < 40; p++) {
        startThread(
          sel4,
          kernel,
          alloc,
          ut,
          async () => {
            order.push(p);
          },
          { prio: p },
        );
      }
    });
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => 39 - i));
  });

  it("equal priorities: started threads run LIFO; Yield is round robin", async () => {
    const log: string[] = [];
    await runRoot({ arch: "x86_64" }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      for (const name of ["a", "b", "c"]) {
        startThread(
          sel4,
          kernel,
          alloc,
          ut,
          async ({ sel4: s }) => {
            for (let i = 0; i < 3; i++) {
              log.push(`${name}${i}`);
              await s.seL4_Yield();
            }
          },
          { prio: 10 },
        );
      }
    });
    expect(log.join(" ")).toBe("c0 b0 a0 c1 b1 a1 c2 b2 a2");
  });

  it("SCHED0005: priorities are bounded by the authority's MCP", async () => {
    const results: number[] = [];
    await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const t = startThread(sel4, kernel, alloc, ut, async () => {}, { prio: 10, resume: false });
      // t has MCP 10: it cannot authorise 11.
      results.push(sel4.seL4_TCB_SetPriority(t, t, 11));
      expect([sel4.seL4_GetMR(0), sel4.seL4_GetMR(1)]).toEqual([0n, 10n]);
      results.push(sel4.seL4_TCB_SetPriority(t, t, 5));
      results.push(sel4.seL4_TCB_SetMCPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 200));
      results.push(sel4.seL4_TCB_SetMCPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 201));
      results.push(sel4.seL4_TCB_SetSchedParams(t, seL4_CapInitThreadTCB, 200, 201));
      results.push(sel4.seL4_TCB_SetPriority(t, alloc(), 1));
    });
    expect(results).toEqual([
      seL4_RangeError,
      seL4_NoError,
      seL4_NoError,
      seL4_RangeError,
      seL4_RangeError,
      2,
    ]);
  });

  it("a higher-priority thread resumed by a running thread preempts at its next kernel entry", async () => {
    const log: string[] = [];
    await runRoot({ arch: "aarch64" }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      sel4.seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50);
      const hi = startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async () => {
          log.push("hi");
        },
        { prio: 100, resume: false },
      );
      log.push("before");
      sel4.seL4_TCB_Resume(hi);
      log.push("after resume");
      await sel4.seL4_Yield();
      log.push("after yield");
    });
    expect(log).toEqual(["before", "after resume", "hi", "after yield"]);
  });

  it("is deterministic: the same program gives the same interleaving", async () => {
    const run = async () => {
      const log: string[] = [];
      await runRoot({ arch: "x86_64" }, async (sel4, bi, kernel) => {
        const alloc = slots(bi);
        const ut = ramUntyped(bi);
        const ep = alloc();
        sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1);
        for (let i = 0; i < 5; i++) {
          startThread(
            sel4,
            kernel,
            alloc,
            ut,
            async ({ sel4: s }) => {
              for (let j = 0; j < 3; j++) {
                s.seL4_SetMR(0, BigInt(i * 10 + j));
                await s.seL4_Send(ep, { label: 0, capsUnwrapped: 0, extraCaps: 0, length: 1 });
                if (j === 1) await s.seL4_Yield();
              }
            },
            { prio: 10 + (i % 2) },
          );
        }
        for (let n = 0; n < 15; n++) {
          await sel4.seL4_Recv(ep);
          log.push(String(sel4.seL4_GetMR(0)));
        }
      });
      return log.join(",");
    };
    const a = await run();
    expect(await run()).toBe(a);
    expect(a.split(",").length).toBe(15);
  });
});
