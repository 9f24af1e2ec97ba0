import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BootProgress, formatCount } from "../src/console/progress.js";
import { EscapeFilter, ExitCounter, formatExit, HostConsole } from "../src/index.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("EscapeFilter (Ctrl-A X)", () => {
  it("passes ordinary bytes, quits on Ctrl-A x or X, sends one Ctrl-A for two, drops other escapes", () => {
    const f = new EscapeFilter();
    expect(f.push(text("abc"))).toEqual({ bytes: text("abc"), quit: false });
    expect(f.push(Uint8Array.of(0x61, 1, 1, 0x62, 1, 0x68, 0x63))).toEqual({
      bytes: Uint8Array.of(0x61, 1, 0x62, 0x63),
      quit: false,
    });
    expect(f.push(Uint8Array.of(0x71, 1, 0x58, 0x7a))).toEqual({
      bytes: Uint8Array.of(0x71),
      quit: true,
    });
  });

  it("remembers a Ctrl-A at the end of a chunk", () => {
    const f = new EscapeFilter();
    expect(f.push(Uint8Array.of(0x41, 1))).toEqual({ bytes: Uint8Array.of(0x41), quit: false });
    expect(f.push(text("x")).quit).toBe(true);
  });
});

function sink() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("latin1") };
}

describe("HostConsole", () => {
  it("queues piped input unchanged (Ctrl-A included), reports input and the end of stdin", async () => {
    const stdin = new PassThrough();
    const out = sink();
    const events: string[] = [];
    const c = new HostConsole(
      { stdin, stdout: out.stream },
      {
        input: () => events.push("input"),
        quit: () => events.push("quit"),
        closed: () => events.push("closed"),
      },
    );
    stdin.write(Uint8Array.of(0x68, 1, 0x78));
    stdin.end(text("!"));
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(["input", "input", "closed"]);
    expect(c.closed).toBe(true);
    expect(c.take_input()).toEqual(Uint8Array.of(0x68, 1, 0x78, 0x21));
    expect(c.has_input).toBe(false);
    c.close();
  });

  it("writes the guest's bytes to stdout exactly, on flush", () => {
    const stdin = new PassThrough();
    const out = sink();
    const c = new HostConsole(
      { stdin, stdout: out.stream },
      { input() {}, quit() {}, closed() {} },
    );
    for (const b of [0x68, 0x69, 0x0d, 0x0a, 0x00, 0xff]) c.transmit(b);
    expect(c.bytes_written).toBe(6);
    expect(out.text()).toBe("");
    c.flush();
    expect(out.text()).toBe("hi\r\n\x00\xff");
    c.close();
  });

  it("on a terminal: raw mode on, Ctrl-A X quits, raw mode off at close", async () => {
    const stdin = Object.assign(new PassThrough(), {
      isTTY: true,
      raw: [] as boolean[],
      setRawMode(mode: boolean) {
        this.raw.push(mode);
      },
    });
    const events: string[] = [];
    const c = new HostConsole(
      { stdin, stdout: sink().stream },
      { input: () => events.push("input"), quit: () => events.push("quit"), closed() {} },
    );
    stdin.write(Uint8Array.of(0x6c, 0x73, 1, 0x78));
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(["input", "quit"]);
    expect(c.take_input()).toEqual(text("ls"));
    c.close();
    expect(stdin.raw).toEqual([true, false]);
  });
});

describe("BootProgress", () => {
  it("draws on a terminal only after a second, at most every 250 ms, and erases itself once", () => {
    const writes: string[] = [];
    const p = new BootProgress({ isTTY: true, write: (t: string) => writes.push(t) }, 0);
    p.update(500, 10);
    expect(writes).toEqual([]);
    p.update(1000, 1_500_000);
    p.update(1100, 1_600_000);
    p.update(1300, 2_000_000);
    expect(writes).toEqual([
      "\r\x1b[Ksel4-vmm: booting (1.0 s, 1.50 M instructions; Ctrl-A X quits)",
      "\r\x1b[Ksel4-vmm: booting (1.3 s, 2.00 M instructions; Ctrl-A X quits)",
    ]);
    p.finish();
    p.finish();
    p.update(5000, 1);
    expect(writes.slice(2)).toEqual(["\r\x1b[K"]);
  });

  it("never draws when stderr is not a terminal", () => {
    const writes: string[] = [];
    const p = new BootProgress({ write: (t: string) => writes.push(t) }, 0);
    p.update(10_000, 5);
    p.finish();
    expect(writes).toEqual([]);
  });

  it("formatCount", () => {
    expect([
      formatCount(999),
      formatCount(1000),
      formatCount(123_456_789),
      formatCount(2e12),
    ]).toEqual(["999", "1.00 k", "123 M", "2.00 T"]);
  });
});

describe("exit statistics", () => {
  it("counts by kind, largest first, and formats trace lines", () => {
    const c = new ExitCounter();
    for (const k of ["mmio", "hvc", "mmio", "wfi", "mmio", "wfi"] as const) c.add(k);
    expect(c.total).toBe(6);
    expect(c.entries()).toEqual([
      ["mmio", 3],
      ["wfi", 2],
      ["hvc", 1],
    ]);
    expect(formatExit(7, { kind: "mmio", vcpu: 1, detail: "ip=0x40200000 addr=0x9000000" })).toBe(
      "exit 7 vcpu1 mmio ip=0x40200000 addr=0x9000000",
    );
    expect(formatExit(8, { kind: "notification", vcpu: null, detail: "" })).toBe(
      "exit 8 vmm notification",
    );
  });
});
