/**
 * The run loop and the host: machine code never starves the Node event loop, `Kernel.stop`
 * ends a run, the instruction limit stops a spinning guest, and when the host gets its turns
 * does not change what the guest sees.
 */
import { describe, expect, it } from "vitest";
import { type ARMVCPUExecution, Kernel, KernelConfigError } from "../src/index.js";
import { code, createGuest, GUEST_RAM, loadGuest, receiveFault, startGuest } from "./arm-vm.js";
import { slots } from "./helpers.js";

/** x1 = GUEST_RAM + 0x1000; loop { x0++; [x1] = x0 }: spins with no exit at all. */
const COUNTER_OFFSET = 0x1000;
const SPINNER = code([0xd2a8_0001, 0xf282_0001, 0x9100_0400, 0xf900_0020, 0x17ff_fffe]);

interface SpinRun {
  readonly kernel: Kernel;
  readonly executor: ARMVCPUExecution;
  /** Resolves when the kernel is idle or halted; the counter the guest last stored. */
  readonly done: Promise<bigint>;
}

/** Boots a kernel whose root task starts the spinning guest and waits for its fault forever. */
function spin(maxInstructions?: number): SpinRun {
  const kernel = new Kernel({ arch: "aarch64", ramSize: 64 * 2 ** 20 });
  const executor = kernel.useARMVCPUs({ trapWFI: false });
  let counterAt = 0;
  const options = maxInstructions === undefined ? {} : { maxInstructions };
  kernel.start(async (s, bi) => {
    if (s.config !== "aarch64") throw new Error("aarch64 only");
    const guest = createGuest(s, bi, slots(bi));
    counterAt = guest.ram[0]! + COUNTER_OFFSET;
    loadGuest(kernel, guest, GUEST_RAM, SPINNER);
    startGuest(s, guest, GUEST_RAM);
    await receiveFault(s, guest.ep);
  }, options);
  const done = kernel.idle().then(() => {
    const bytes = kernel.readPhysical(counterAt, 8);
    return new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
  });
  return { kernel, executor, done };
}

describe("the run loop yields to the host", () => {
  it("a guest spinning with nothing else to run lets a setTimeout fire; stop() ends the run", async () => {
    const run = spin();
    const fired = await new Promise<number>((resolve) => setTimeout(() => resolve(1), 30));
    expect(fired).toBe(1);
    const before = run.executor.stats.instructions;
    expect(before).toBeGreaterThan(0);
    run.kernel.stop();
    const counter = await run.done;
    expect(run.kernel.haltReason).toBe("stopped");
    // Nothing ran after the stop: the clock and the guest's memory stay where they were.
    const after = run.executor.stats.instructions;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(run.executor.stats.instructions).toBe(after);
    expect(counter).toBeGreaterThan(0n);
  });

  it("raiseIRQ and stop during a host turn take effect between two slices", async () => {
    const run = spin();
    await new Promise((resolve) => setImmediate(resolve));
    run.kernel.raiseIRQ(33); // no handler: ignored, and the loop must not start a second time
    await new Promise((resolve) => setTimeout(resolve, 10));
    run.kernel.stop();
    run.kernel.stop();
    await run.done;
    expect(run.kernel.haltReason).toBe("stopped");
  });
});

describe("the instruction limit", () => {
  it("stops a guest that never exits, at exactly the limit", async () => {
    const run = spin(1_234_567);
    const counter = await run.done;
    expect(run.kernel.haltReason).toBe("instruction-limit");
    expect(run.executor.stats.instructions).toBe(1_234_567);
    // Two set-up instructions, then three per iteration (the store is the loop's second).
    expect(counter).toBe(BigInt(Math.floor((1_234_567 - 2 - 2) / 3) + 1));
  });

  it("a limit of 0 runs no guest instruction; garbage limits are configuration errors", async () => {
    const run = spin(0);
    expect(await run.done).toBe(0n);
    expect(run.executor.stats.instructions).toBe(0);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const kernel = new Kernel({ arch: "aarch64", ramSize: 64 * 2 ** 20 });
      expect(() => kernel.start(async () => {}, { maxInstructions: bad })).toThrow(
        KernelConfigError,
      );
    }
  });
});

describe("host timing does not reach the guest", () => {
  it("two identical runs, one with a busy host, end with the same memory and clock", async () => {
    const quiet = spin(3_000_000);
    const a = await quiet.done;
    const busy = spin(3_000_000);
    let turns = 0;
    const hog = setInterval(() => {
      turns++;
      const until = performance.now() + 3;
      while (performance.now() < until) {
        // The host is busy for 3 ms on every turn it gets.
      }
    }, 0);
    const b = await busy.done;
    clearInterval(hog);
    expect(turns).toBeGreaterThan(0);
    expect(b).toBe(a);
    expect(busy.executor.stats).toEqual(quiet.executor.stats);
  });
});
