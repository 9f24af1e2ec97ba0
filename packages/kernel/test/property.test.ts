/**
 * Robustness: random invocation sequences with garbage arguments from several threads; after
 * every step the kernel's invariants hold and no host exception escapes.
 */
import {
  seL4_SysCall,
  seL4_SysNBRecv,
  seL4_SysNBSend,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysSend,
  seL4_SysYield,
} from "@sel4/sel4";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type InvariantViolation,
  Kernel,
  ThreadNotRunningError,
  type ThreadProgram,
} from "../src/index.js";
import { ramUntyped, slots, startThread } from "./helpers.js";
import { callArb, runCalls } from "./property-arbs.js";

interface Op {
  readonly syscall: number;
  readonly cptr: number;
  readonly label: number;
  readonly length: number;
  readonly extraCaps: number;
  readonly words: readonly bigint[];
  readonly caps: readonly number[];
}

const edgeWords = [
  0n,
  1n,
  2n,
  3n,
  4n,
  7n,
  12n,
  13n,
  21n,
  30n,
  39n,
  63n,
  64n,
  65n,
  255n,
  256n,
  4095n,
  4096n,
  0x40_0000n,
  2n ** 52n,
  2n ** 63n,
  2n ** 64n - 1n,
];

function opArb(pool: readonly number[]): fc.Arbitrary<Op> {
  const word = fc.oneof(
    fc.constantFrom(...edgeWords),
    fc.constantFrom(...pool.map(BigInt)),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.integer({ min: 0, max: 20 }).map(BigInt),
  );
  const cptr = fc.oneof(fc.constantFrom(...pool), fc.integer({ min: 0, max: 2 ** 53 - 1 }));
  return fc.record({
    syscall: fc.constantFrom(
      seL4_SysCall,
      seL4_SysCall,
      seL4_SysCall,
      seL4_SysNBSend,
      seL4_SysNBRecv,
      seL4_SysReply,
      -9,
      -12,
      -20,
    ),
    cptr,
    label: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 2 ** 52 - 1 })),
    length: fc.integer({ min: 0, max: 127 }),
    extraCaps: fc.integer({ min: 0, max: 3 }),
    words: fc.array(word, { minLength: 8, maxLength: 8 }),
    caps: fc.array(cptr, { minLength: 3, maxLength: 3 }),
  });
}

function runOps(ops: readonly Op[], check: () => void, blockingEvery: number): ThreadProgram {
  return async ({ port }) => {
    for (const [i, op] of ops.entries()) {
      for (const [j, w] of op.words.entries()) port.setMR(j, w);
      for (const [j, c] of op.caps.entries()) port.writeIPCBufferWord(122 + j, BigInt(c));
      const info = (BigInt(op.label) << 12n) | (BigInt(op.extraCaps) << 7n) | BigInt(op.length);
      port.syscall(op.syscall, op.cptr, info);
      check();
      if (i % blockingEvery === blockingEvery - 1) {
        // Now and then a blocking call: Yield, or a Send/Recv that may block for good.
        const id = [seL4_SysYield, seL4_SysSend, seL4_SysRecv][i % 3]!;
        await port.syscallBlocking(id, op.cptr, info);
        check();
      }
    }
  };
}

describe.each(["aarch64", "x86_64"] as const)("%s random invocations", (arch) => {
  it("keep every invariant and never throw a host exception", async () => {
    const runs = Number(process.env.KERNEL_PROPERTY_RUNS ?? 25);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(opArb(Array.from({ length: 48 }, (_, i) => i)), { minLength: 5, maxLength: 40 }),
          {
            minLength: 2,
            maxLength: 4,
          },
        ),
        async (perThread) => {
          const kernel = new Kernel({ arch, ramSize: 8 * 2 ** 20 });
          const violations: InvariantViolation[][] = [];
          const check = () => {
            const v = kernel.checkInvariants();
            if (v.length > 0) violations.push(v);
          };
          await kernel.run(async (sel4, bi) => {
            const alloc = slots(bi);
            const ut = ramUntyped(bi, 20);
            // Threads share the root CSpace; their cap pointers name the same slots.
            for (const ops of perThread) {
              startThread(sel4, kernel, alloc, ut, runOps(ops, check, 4), { prio: 100 });
            }
          });
          const hostErrors = kernel.threadErrors.filter(
            (e) => !(e.error instanceof ThreadNotRunningError),
          );
          expect(hostErrors.map((e) => String(e.error))).toEqual([]);
          expect(violations).toEqual([]);
          check();
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: runs, seed: Number(process.env.KERNEL_PROPERTY_SEED ?? 42) },
    );
  });
});

describe.each(["aarch64", "x86_64"] as const)("%s random meaningful invocations", (arch) => {
  it("keep every invariant (CDT, untyped, reachability, memory, queues) after every step", async () => {
    const runs = Number(process.env.KERNEL_PROPERTY_RUNS ?? 40);
    let succeeded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(callArb(arch), { minLength: 10, maxLength: 60 }), {
          minLength: 2,
          maxLength: 4,
        }),
        async (perThread) => {
          const kernel = new Kernel({ arch, ramSize: 8 * 2 ** 20 });
          const violations: InvariantViolation[][] = [];
          const check = () => {
            const v = kernel.checkInvariants();
            if (v.length > 0) violations.push(v);
          };
          await kernel.run(async (sel4, bi) => {
            const alloc = slots(bi);
            const ut = ramUntyped(bi, 20);
            // Pool slot 0 is a RAM untyped; the rest start at the empty region (helpers included).
            const base = bi.empty.start;
            const pick = (i: number) => (i === 0 ? ut : base + i - 1);
            for (const calls of perThread) {
              startThread(sel4, kernel, alloc, ut, runCalls(calls, pick, check), { prio: 100 });
            }
          });
          const hostErrors = kernel.threadErrors.filter(
            (e) => !(e.error instanceof ThreadNotRunningError),
          );
          expect(hostErrors.map((e) => String(e.error))).toEqual([]);
          expect(violations).toEqual([]);
          succeeded += kernel.liveObjectCount;
        },
      ),
      { numRuns: runs, seed: Number(process.env.KERNEL_PROPERTY_SEED ?? 7) },
    );
    // The sequences do real work: many objects were alive at the end of the runs.
    expect(succeeded).toBeGreaterThan(runs * 10);
  });
});
