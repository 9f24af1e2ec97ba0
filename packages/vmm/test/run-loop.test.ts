/**
 * The run and the kernel's run loop: `--max-insns` stops a guest that never exits, Ctrl-A X
 * stops the kernel, `--pace wall` keeps virtual time behind wall time, and the default pace is
 * deterministic.
 */
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  EXIT_GUARD,
  EXIT_POWEROFF,
  PACE_SLACK_MS,
  parseCommandLine,
  type RunOptions,
  runGuest,
} from "../src/index.js";
import { virtGuests } from "./cli-process.js";

/** A Linux arm64 Image whose first instruction is `b .`: it spins without a single VM exit. */
function spinningImage(): Uint8Array {
  const image = new Uint8Array(0x1000);
  const v = new DataView(image.buffer);
  v.setUint32(0, 0x1400_0000, true); // code0: b .
  v.setBigUint64(8, 0x8_0000n, true); // text_offset
  v.setBigUint64(16, BigInt(image.length), true); // image_size
  v.setUint32(0x38, 0x644d_5241, true); // magic "ARM\x64"
  return image;
}

function options(args: string[]): RunOptions {
  const c = parseCommandLine(["run", ...args]);
  if (c.kind !== "run") throw new Error("not a run");
  return c.options;
}

const sink = (onText?: (text: string) => void): Writable & { text: string } => {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += Buffer.from(chunk).toString("latin1");
      onText?.(w.text);
      cb();
    },
  }) as Writable & { text: string };
  w.text = "";
  return w;
};

/** A terminal-like stdin the test types into. */
function terminal(): PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void } {
  const t = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(m: boolean): void };
  t.isTTY = true;
  t.setRawMode = () => {};
  return t;
}

async function spinningKernelFile(): Promise<string> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const file = join(mkdtempSync(join(tmpdir(), "sel4-vmm-spin-")), "Image");
  writeFileSync(file, spinningImage());
  return file;
}

describe("the instruction guard and quitting stop a guest that never exits", () => {
  it("--max-insns stops a spinning guest with status 4 at exactly N instructions", {
    timeout: 60_000,
  }, async () => {
    const kernel = await spinningKernelFile();
    const r = await runGuest(options(["--kernel", kernel, "--max-insns", "2000000"]), {
      stdin: new PassThrough(),
      stdout: sink(),
      stderr: sink(),
    });
    expect(r.status).toBe(EXIT_GUARD);
    expect(r.stats.instructions).toBe(2_000_000);
    expect(r.stats.total_exits).toBe(0);
  });

  it("Ctrl-A X stops the kernel: the run ends and the guest executes nothing after", {
    timeout: 60_000,
  }, async () => {
    const kernel = await spinningKernelFile();
    const stdin = terminal();
    const stderr = sink();
    setTimeout(() => stdin.write("\x01x"), 200);
    const r = await runGuest(options(["--kernel", kernel]), { stdin, stdout: sink(), stderr });
    // Before the kernel stopped, the run never ended: the quit could not even be read.
    expect([r.status, r.reason]).toEqual([EXIT_POWEROFF, "quit (Ctrl-A X)"]);
  });
});

describe("pacing", () => {
  const shell = join(virtGuests, "bin", "sel4-shell");

  async function idleAtPrompt(pace: string, ms: number) {
    const stdin = terminal();
    let typed = false;
    let quit = false;
    // At the first prompt, sit idle for `ms`, then ask for the ticks; quit once answered.
    const stdout = sink((text) => {
      if (!typed && text.includes("sel4> ")) {
        typed = true;
        setTimeout(() => stdin.write("ticks\r"), ms);
      }
      if (!quit && /ticks: \d+/.test(text)) {
        quit = true;
        stdin.write("\x01x");
      }
    });
    const r = await runGuest(options(["--kernel", shell, "--pace", pace]), {
      stdin,
      stdout,
      stderr: sink(),
    });
    return { r, stdout: stdout.text };
  }

  it("--pace wall: the shell keeps ticking at the prompt, never ahead of wall time", {
    timeout: 60_000,
  }, async () => {
    const { r, stdout } = await idleAtPrompt("wall", 400);
    const ticks = Number(/ticks: (\d+)/.exec(stdout)?.[1]);
    expect(ticks).toBeGreaterThan(0);
    expect(r.stats.virtual_seconds * 1000).toBeLessThanOrEqual(
      r.stats.wall_seconds * 1000 + PACE_SLACK_MS,
    );
  });

  it("--pace none (the default off a terminal) is deterministic: two runs, same output and clock", {
    timeout: 60_000,
  }, async () => {
    const once = async () => {
      const stdin = new PassThrough();
      stdin.end("ticks\ninfo\npoweroff\n");
      const stdout = sink();
      const r = await runGuest(options(["--kernel", shell, "--smp", "2"]), {
        stdin,
        stdout,
        stderr: sink(),
      });
      return [r.status, r.stats.instructions, r.stats.exits, stdout.text];
    };
    const a = await once();
    // The host is busier during the second run: its turns come at other points of the run.
    const hog = setInterval(() => {
      const until = performance.now() + 2;
      while (performance.now() < until) {
        // busy
      }
    }, 0);
    const b = await once();
    clearInterval(hog);
    expect(b).toEqual(a);
    expect(a[0]).toBe(EXIT_POWEROFF);
  });
});
