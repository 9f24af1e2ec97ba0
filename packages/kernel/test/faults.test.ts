/** Fault delivery and fault replies (§6.7-§6.10, sel4test faults.c). */
import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_NoError,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { type AnySel4, ramUntyped, runRoot, slots, startThread } from "./helpers.js";

const root = seL4_CapInitThreadCNode;
const BAD_VADDR = 0x7edc_ba98_7650n;
const mrs = (sel4: AnySel4, n: number) => Array.from({ length: n }, (_, i) => sel4.seL4_GetMR(i));

describe.each(["aarch64", "x86_64"] as const)("%s faults", (arch) => {
  const pcIndex = 0;
  const x0 = arch === "aarch64" ? 0 : 5; // index of x0 / rdi in the UnknownSyscall message
  const faultIPIndex = arch === "aarch64" ? 8 : 15;
  const length = arch === "aarch64" ? 13 : 19;

  it("PAGEFAULT0004: UnknownSyscall message, reply label 0 resumes, label 1 stops", async () => {
    const out: bigint[] = [];
    let badgeSeen = 0n;
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1)).toBe(
        seL4_NoError,
      );
      const badged = alloc();
      sel4.seL4_CNode_Mint(root, badged, 64, root, ep, 64, seL4_AllRights, 0xabababan);
      // Run below the helpers so that a Yield lets a replied-to helper run.
      expect(sel4.seL4_TCB_SetPriority(1, 1, 50)).toBe(seL4_NoError);
      for (const label of [0, 1]) {
        startThread(
          sel4,
          kernel,
          alloc,
          ut,
          async ({ port }) => {
            const r = await port.syscallBlocking(0xc1, 0xbad, 0n);
            out.push(r.badge);
          },
          { prio: 100, faultEP: badged },
        );
        const f = await sel4.seL4_Recv(ep);
        badgeSeen = f.sender;
        expect(f.info.label).toBe(2);
        expect(f.info.length).toBe(length);
        const words = mrs(sel4, length);
        expect(words[length - 1]).toBe(0xc1n);
        expect(words[x0]).toBe(0xbadn);
        // Reply: x0 := GOOD_MAGIC, FaultIP := NextIP (the syscall completes).
        for (const [i, w] of words.entries()) sel4.seL4_SetMR(i, w);
        sel4.seL4_SetMR(x0, 0x600dn);
        sel4.seL4_SetMR(faultIPIndex, words[faultIPIndex]! + (arch === "aarch64" ? 4n : 2n));
        sel4.seL4_Reply(seL4_MessageInfo_new(label, 0, 0, length - 1));
        await sel4.seL4_Yield();
      }
    });
    expect(badgeSeen).toBe(0xabababan);
    expect(out).toEqual([0x600dn]);
  });

  it("PAGEFAULT0003: a thread whose pc holds no program takes an instruction VMFault; WriteRegisters + resume restarts it", async () => {
    const out: string[] = [];
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1)).toBe(
        seL4_NoError,
      );
      const good = kernel.registerProgram(async () => {
        out.push("continued");
      });
      const t = startThread(sel4, kernel, alloc, ut, async () => {}, {
        prio: 100,
        faultEP: ep,
        resume: false,
      });
      const regs = sel4.seL4_TCB_ReadRegisters(t, false, 0, 1);
      expect(regs.error).toBe(seL4_NoError);
      // Point the thread at an unmapped address and start it.
      writePc(sel4, t, BAD_VADDR);
      expect(sel4.seL4_TCB_Resume(t)).toBe(seL4_NoError);
      const f = await sel4.seL4_Recv(ep);
      expect(f.info.label).toBe(5);
      expect(f.info.length).toBe(4);
      const [ip, addr, prefetch] = mrs(sel4, 3);
      out.push(`${ip === BAD_VADDR}:${addr === BAD_VADDR}:${prefetch}`);
      // The handler never replies: WriteRegisters(pc, resume) cancels the fault and restarts.
      writePc(sel4, t, good, true);
      await sel4.seL4_Yield();
      expect(pcIndex).toBe(0);
    });
    expect(out).toEqual(["true:true:1", "continued"]);
  });

  it("CapFault layout for a send on an unresolvable CPtr; a missing handler is a double fault", async () => {
    const out: bigint[] = [];
    let doubleFaulted = false;
    await runRoot({ arch }, async (sel4, bi, kernel) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = alloc();
      expect(sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1)).toBe(
        seL4_NoError,
      );
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          // A CPtr whose top bits break the root CNode's 52-bit zero guard.
          await s.seL4_Send(2 ** 52, seL4_MessageInfo_new(0, 0, 0, 0));
        },
        { prio: 100, faultEP: ep },
      );
      const f = await sel4.seL4_Recv(ep);
      expect(f.info.label).toBe(1);
      out.push(...mrs(sel4, f.info.length));
      startThread(
        sel4,
        kernel,
        alloc,
        ut,
        async ({ sel4: s }) => {
          await s.seL4_Send(2 ** 52, seL4_MessageInfo_new(0, 0, 0, 0));
          doubleFaulted = false;
        },
        { prio: 100, faultEP: 4000 },
      );
      doubleFaulted = true;
      await sel4.seL4_Yield();
    });
    // MR1 addr, MR2 send phase, GuardMismatch(bitsLeft 64, guardFound 0, bitsFound 52)
    expect(out.slice(1)).toEqual([2n ** 52n, 0n, 4n, 64n, 0n, 52n]);
    expect(doubleFaulted).toBe(true);
  });
});

function writePc(sel4: AnySel4, tcb: number, pc: bigint, resume = false): void {
  if (sel4.config === "aarch64") {
    const r = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, 36);
    expect(sel4.seL4_TCB_WriteRegisters(tcb, resume, 0, 36, { ...r.regs, pc })).toBe(seL4_NoError);
  } else {
    const r = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, 20);
    expect(sel4.seL4_TCB_WriteRegisters(tcb, resume, 0, 20, { ...r.regs, rip: pc })).toBe(
      seL4_NoError,
    );
  }
}
