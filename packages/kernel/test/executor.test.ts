/**
 * The machine-code seam: a minimal executor (a toy instruction set read from the thread's own
 * memory through its VSpace) runs a thread; its syscall and fault exits go through the kernel.
 */
import {
  seL4_AllRights,
  seL4_ARM_PageTableObject,
  seL4_ARM_SmallPageObject,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace,
  seL4_EndpointObject,
  seL4_MessageInfo_new,
  seL4_NoError,
  wordFromMessageInfo,
} from "@sel4/sel4";
import { expect, it } from "vitest";
import type { ExecutionContext, ExecutorExit, TCB, ThreadExecutor } from "../src/index.js";
import { ramUntyped, runRoot, slots } from "./helpers.js";

const root = seL4_CapInitThreadCNode;
const CODE = 0x2000_0000n;

/** Toy ISA, one byte per 4-byte slot: 1 = svc (Send on x0 with x1), 2 = undefined instruction. */
class ToyExecutor implements ThreadExecutor {
  readonly trace: bigint[] = [];
  constructor(private readonly entry: bigint) {}
  canExecute(thread: TCB): boolean {
    return thread.context[0]! >= this.entry && thread.context[0]! < this.entry + 0x1000n;
  }
  execute(ctx: ExecutionContext): ExecutorExit {
    const pc = ctx.registers[0]!;
    this.trace.push(pc);
    const t = ctx.translate(pc, "vspace");
    if (!t.ok)
      return { kind: "fault", fault: { type: "VMFault", address: pc, instruction: true, fsr: 0n } };
    const op = ctx.readPhysical(t.paddr, 1)[0];
    if (op === 1) {
      ctx.registers[10] = BigInt.asUintN(64, -3n); // x7 = seL4_SysSend
      return { kind: "syscall" };
    }
    return { kind: "fault", fault: { type: "UserException", number: 0x0200_0000n, code: 0n } };
  }
}

it("aarch64: an executor thread sends through the kernel and faults on an undefined instruction", async () => {
  const exec = new ToyExecutor(CODE);
  let received: bigint[] = [];
  let fault: bigint[] = [];
  await runRoot(
    { arch: "aarch64" },
    async (sel4, bi, kernel) => {
      if (sel4.config !== "aarch64") return;
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      const ep = alloc();
      sel4.seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, root, 0, 0, ep, 1);
      const badged = alloc();
      sel4.seL4_CNode_Mint(root, badged, 64, root, ep, 64, seL4_AllRights, 9n);
      const [pt1, pt2, frame] = [alloc(), alloc(), alloc()];
      sel4.seL4_Untyped_Retype(ut, seL4_ARM_PageTableObject, 0, root, 0, 0, pt1, 1);
      sel4.seL4_Untyped_Retype(ut, seL4_ARM_PageTableObject, 0, root, 0, 0, pt2, 1);
      sel4.seL4_Untyped_Retype(ut, seL4_ARM_SmallPageObject, 0, root, 0, 0, frame, 1);
      expect(sel4.seL4_ARM_PageTable_Map(pt1, seL4_CapInitThreadVSpace, Number(CODE), 3)).toBe(
        seL4_NoError,
      );
      // The root's first 1 GiB already has a level-1 table (the boot image): one more level is missing.
      expect(sel4.seL4_ARM_PageTable_Map(pt2, seL4_CapInitThreadVSpace, Number(CODE), 3)).toBe(8);
      expect(
        sel4.seL4_ARM_Page_Map(frame, seL4_CapInitThreadVSpace, Number(CODE), seL4_AllRights, 3),
      ).toBe(seL4_NoError);
      const { paddr } = sel4.seL4_ARM_Page_GetAddress(frame);
      kernel.writePhysical(paddr, new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0]));
      const tcb = alloc();
      sel4.seL4_Untyped_Retype(ut, 1, 0, root, 0, 0, tcb, 1);
      expect(sel4.seL4_TCB_Configure(tcb, ep, root, 0n, seL4_CapInitThreadVSpace, 0n, 0, 0)).toBe(
        seL4_NoError,
      );
      sel4.seL4_TCB_SetSchedParams(tcb, 1, 100, 100);
      const regs = sel4.seL4_TCB_ReadRegisters(tcb, false, 0, 36).regs;
      const info = wordFromMessageInfo(seL4_MessageInfo_new(0x77, 0, 0, 1));
      const x2 = 0x1234n;
      expect(
        sel4.seL4_TCB_WriteRegisters(tcb, true, 0, 36, {
          ...regs,
          pc: CODE,
          x0: BigInt(badged),
          x1: info,
          x2,
        }),
      ).toBe(seL4_NoError);
      const r = await sel4.seL4_Recv(ep);
      received = [r.sender, BigInt(r.info.label), sel4.seL4_GetMR(0)];
      const f = await sel4.seL4_Recv(ep);
      fault = [BigInt(f.info.label), sel4.seL4_GetMR(0), sel4.seL4_GetMR(3)];
    },
    (k) => k.setExecutor(exec),
  );
  expect(received).toEqual([9n, 0x77n, 0x1234n]);
  // UserException: FaultIP = the undefined instruction (pc advanced past the svc), ESR number.
  expect(fault).toEqual([3n, CODE + 4n, 0x0200_0000n]);
  expect(exec.trace).toEqual([CODE, CODE + 4n]);
});

/** Spins for `slices` budget exits in total, then stops each thread with a fault (no handler). */
class SpinExecutor implements ThreadExecutor {
  readonly trace: number[] = [];
  constructor(private slices: number) {}
  canExecute(): boolean {
    return true;
  }
  execute(ctx: ExecutionContext): ExecutorExit {
    this.trace.push(ctx.thread.id);
    if (this.slices-- > 0) return { kind: "budget" };
    return { kind: "fault", fault: { type: "UserException", number: 0n, code: 0n } };
  }
}

it("timer ticks round-robin equal-priority threads every CONFIG_TIME_SLICE (5) ticks", async () => {
  const exec = new SpinExecutor(20);
  const ids: number[] = [];
  await runRoot(
    { arch: "x86_64" },
    async (sel4, bi) => {
      const alloc = slots(bi);
      const ut = ramUntyped(bi);
      for (let i = 0; i < 2; i++) {
        const tcb = alloc();
        sel4.seL4_Untyped_Retype(ut, 1, 0, root, 0, 0, tcb, 1);
        sel4.seL4_TCB_Configure(tcb, 0, root, 0n, seL4_CapInitThreadVSpace, 0n, 0, 0);
        sel4.seL4_TCB_SetSchedParams(tcb, 1, 10, 10);
        ids.push(i);
      }
      // Resume both (pc 0: machine code for the executor), then let them run.
      sel4.seL4_TCB_Resume(bi.empty.start);
      sel4.seL4_TCB_Resume(bi.empty.start + 1);
      await sel4.seL4_Recv(0);
    },
    (k) => k.setExecutor(exec),
  ).catch(() => {});
  // Thread ids: the root is 0; the helpers are created after it. LIFO start: the second runs first.
  const [first, second] = [exec.trace[0]!, exec.trace[5]!];
  expect(first).not.toBe(second);
  expect(exec.trace.slice(0, 20)).toEqual([
    ...Array(5).fill(first),
    ...Array(5).fill(second),
    ...Array(5).fill(first),
    ...Array(5).fill(second),
  ]);
});
