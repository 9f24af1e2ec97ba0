/** PC devices: UART registers and interrupts, PIT counting and edges, RTC clock, Multiboot info. */
import { describe, expect, it } from "vitest";
import { CmosRtc } from "./cmos-rtc.js";
import { IsaDebugExit } from "./debug-exit.js";
import { multiboot_info, pc_memory_map } from "./multiboot.js";
import { PIT_HZ, PitI8254 } from "./pit-i8254.js";
import { Serial16550 } from "./serial-16550.js";

describe("16550", () => {
  it("transmits, receives, reports line status and raises its line only with OUT2", () => {
    const out: number[] = [];
    const levels: number[] = [];
    const u = new Serial16550(
      0x3f8,
      (b) => out.push(b),
      (l) => levels.push(l),
    );
    u.port_out(0x3f8, 0x41);
    expect(out).toEqual([0x41]);
    expect(u.port_in(0x3fd) & 0x61).toBe(0x60);
    u.receive([1, 2]);
    expect(u.port_in(0x3fd) & 1).toBe(1);
    u.port_out(0x3f9, 1); // IER: received data
    expect(levels.at(-1)).toBe(0);
    u.port_out(0x3fc, 0x08); // MCR.OUT2
    expect(levels.at(-1)).toBe(1);
    expect(u.port_in(0x3fa)).toBe(0xc4);
    expect([u.port_in(0x3f8), u.port_in(0x3f8)]).toEqual([1, 2]);
    expect(levels.at(-1)).toBe(0);
    u.port_out(0x3fb, 0x80); // DLAB
    u.port_out(0x3f8, 12);
    expect(u.port_in(0x3f8)).toBe(12);
    expect(out).toEqual([0x41]);
  });
});

describe("i8254", () => {
  it("channel 0 in mode 2 gives an edge every period at guest time; counts down between", () => {
    let now = 0;
    let edges = 0;
    const pit = new PitI8254(
      () => edges++,
      () => now,
    );
    pit.port_out(0x43, 0x34);
    pit.port_out(0x40, 11932 & 0xff);
    pit.port_out(0x40, 11932 >> 8);
    const period = Math.ceil((11932 * 1e9) / PIT_HZ);
    expect(pit.next_deadline()).toBe(period);
    now = period / 2;
    pit.advance(now);
    expect(edges).toBe(0);
    pit.port_out(0x43, 0x00); // latch
    const lo = pit.port_in(0x40);
    const count = lo | (pit.port_in(0x40) << 8);
    expect(Math.abs(count - 11932 / 2)).toBeLessThan(3);
    now = period;
    pit.advance(now);
    expect(edges).toBe(1);
    now = 10 * period;
    pit.advance(now);
    expect(edges).toBe(2); // however many passed, one edge reaches the PIC
  });

  it("channel 2 output (port 0x61 bit 5) rises at terminal count while the gate is high", () => {
    let now = 0;
    const pit = new PitI8254(
      () => {},
      () => now,
    );
    pit.port_out(0x43, 0xb0);
    pit.port_out(0x42, 100);
    pit.port_out(0x42, 0);
    pit.port_out(0x61, 1);
    expect(pit.port_in(0x61) & 0x21).toBe(0x01);
    now = Math.ceil((101 * 1e9) / PIT_HZ);
    expect(pit.port_in(0x61) & 0x20).toBe(0x20);
  });
});

describe("CMOS RTC", () => {
  it("reads the start time in BCD and advances with guest time; RAM bytes read back", () => {
    let now = 0;
    const rtc = new CmosRtc(new Date("2026-01-02T12:34:56Z"), () => now);
    const read = (i: number) => {
      rtc.port_out(0x70, 0x80 | i);
      return rtc.port_in(0x71);
    };
    expect([read(9), read(8), read(7), read(6), read(4), read(2), read(0)]).toEqual([
      0x26, 0x01, 0x02, 0x06, 0x12, 0x34, 0x56,
    ]);
    now = 5e9;
    expect(read(0)).toBe(0x01);
    expect(read(2)).toBe(0x35);
    rtc.port_out(0x70, 0x40);
    rtc.port_out(0x71, 0xa5);
    expect(read(0x40)).toBe(0xa5);
    expect(read(0x0b)).toBe(0x02);
  });
});

describe("isa-debug-exit and Multiboot", () => {
  it("exit status is (V << 1) | 1", () => {
    const s: number[] = [];
    new IsaDebugExit(0xf4, (v) => s.push(v)).port_out(0x7f);
    expect(s).toEqual([0xff]);
  });

  it("info structure: QEMU's 128 MiB sizes, the map with its size fields, the command line", () => {
    const info = multiboot_info(0x9000, pc_memory_map(128 * 2 ** 20), "bin/hello x=1");
    const v = new DataView(info.bytes.buffer);
    expect(v.getUint32(0, true)).toBe(0x45);
    expect([v.getUint32(4, true), v.getUint32(8, true)]).toEqual([639, 129920]);
    const mmapAt = v.getUint32(48, true) - 0x9000;
    expect(v.getUint32(44, true)).toBe(6 * 24);
    expect([
      v.getUint32(mmapAt, true),
      v.getUint32(mmapAt + 12, true),
      v.getUint32(mmapAt + 20, true),
    ]).toEqual([20, 0x9fc00, 1]);
    const cmd = v.getUint32(16, true) - 0x9000;
    expect(String.fromCharCode(...info.bytes.subarray(cmd, cmd + 13))).toBe("bin/hello x=1");
    expect(info.bytes[cmd + 13]).toBe(0);
  });
});
