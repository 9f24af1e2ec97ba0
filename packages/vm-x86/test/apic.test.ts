/** The local APIC (registers, priorities, EOI, timer on the guest instruction clock) and the I/O APIC. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ESR_ILLEGAL_REGISTER,
  IOAPIC_IOREGSEL,
  IOAPIC_IOWIN,
  IOAPIC_VERSION,
  IoApic,
  LAPIC_DFR,
  LAPIC_EOI,
  LAPIC_ESR,
  LAPIC_ID,
  LAPIC_IRR,
  LAPIC_ISR,
  LAPIC_LVT_ERROR,
  LAPIC_LVT_TIMER,
  LAPIC_PPR,
  LAPIC_SVR,
  LAPIC_TIMER_CCR,
  LAPIC_TIMER_DCR,
  LAPIC_TIMER_ICR,
  LAPIC_TPR,
  LAPIC_VER,
  LAPIC_VERSION,
  Lapic,
  LVT_MASKED,
  LVT_TIMER_PERIODIC,
  NS_PER_INSTRUCTION,
} from "../src/index.js";

/** A LAPIC on a guest clock that counts retired instructions. */
function machine() {
  const clock = { instructions: 0 };
  const eois: number[] = [];
  const lapic = new Lapic({
    now_ns: () => clock.instructions * NS_PER_INSTRUCTION,
    eoi_level: (v) => eois.push(v),
  });
  const run = (n: number) => {
    clock.instructions += n;
    lapic.advance(clock.instructions * NS_PER_INSTRUCTION);
  };
  return { lapic, clock, eois, run };
}

function enabled() {
  const m = machine();
  m.lapic.write(LAPIC_SVR, 0x1ff);
  return m;
}

describe("local APIC registers", () => {
  it("reset values: version, SVR 0xFF (disabled), DFR all ones, every LVT masked", () => {
    const { lapic } = machine();
    expect(lapic.read(LAPIC_VER)).toBe(LAPIC_VERSION);
    expect(lapic.read(LAPIC_SVR)).toBe(0xff);
    expect(lapic.read(LAPIC_DFR)).toBe(0xffff_ffff);
    for (let off = LAPIC_LVT_TIMER; off <= LAPIC_LVT_ERROR; off += 16)
      expect(lapic.read(off)).toBe(LVT_MASKED);
  });

  it("ID in bits 24..31; read-only registers ignore writes; unknown offsets latch ESR bit 7 on the next ESR write", () => {
    const { lapic } = enabled();
    lapic.write(LAPIC_ID, 0x0300_0000);
    expect(lapic.read(LAPIC_ID)).toBe(0x0300_0000);
    lapic.write(LAPIC_VER, 0);
    expect(lapic.read(LAPIC_VER)).toBe(LAPIC_VERSION);
    expect(lapic.read(0x40)).toBe(0);
    lapic.write(0x44, 1);
    expect(lapic.read(LAPIC_ESR)).toBe(0);
    lapic.write(LAPIC_ESR, 0);
    expect(lapic.read(LAPIC_ESR)).toBe(ESR_ILLEGAL_REGISTER);
    lapic.write(LAPIC_ESR, 0);
    expect(lapic.read(LAPIC_ESR)).toBe(0);
  });

  it("while software-disabled: LVTs stay masked and no interrupt is accepted", () => {
    const { lapic } = machine();
    lapic.write(LAPIC_LVT_TIMER, 0x40);
    expect(lapic.read(LAPIC_LVT_TIMER)).toBe(LVT_MASKED | 0x40);
    lapic.accept_irq(0x50, false);
    expect(lapic.has_interrupt()).toBe(false);
    lapic.write(LAPIC_SVR, 0x1ff);
    lapic.write(LAPIC_LVT_TIMER, 0x40);
    expect(lapic.read(LAPIC_LVT_TIMER)).toBe(0x40);
    lapic.write(LAPIC_SVR, 0xff);
    expect(lapic.read(LAPIC_LVT_TIMER)).toBe(LVT_MASKED | 0x40);
  });
});

describe("local APIC interrupts", () => {
  it("delivers the highest vector first; ISR blocks its class and lower; EOI retires the highest in service", () => {
    const { lapic, eois } = enabled();
    lapic.accept_irq(0x31, false);
    lapic.accept_irq(0x62, true);
    expect(lapic.read(LAPIC_IRR + 0x30)).toBe(1 << 2);
    expect(lapic.get_interrupt()).toBe(0x62);
    expect(lapic.read(LAPIC_ISR + 0x30)).toBe(1 << 2);
    expect(lapic.read(LAPIC_PPR)).toBe(0x60);
    expect(lapic.get_interrupt()).toBe(-1); // 0x31 is below the in-service class
    lapic.write(LAPIC_EOI, 0);
    expect(eois).toEqual([0x62]); // level-triggered: the I/O APIC hears of it
    expect(lapic.get_interrupt()).toBe(0x31);
    lapic.write(LAPIC_EOI, 0);
    expect(eois).toEqual([0x62]); // edge: nothing to tell
    expect(lapic.read(LAPIC_ISR + 0x10)).toBe(0);
  });

  it("TPR holds back vectors of its class and below", () => {
    const { lapic } = enabled();
    lapic.write(LAPIC_TPR, 0x50);
    lapic.accept_irq(0x55, false);
    expect(lapic.has_interrupt()).toBe(false);
    lapic.accept_irq(0x61, false);
    expect(lapic.get_interrupt()).toBe(0x61);
    lapic.write(LAPIC_TPR, 0);
    lapic.write(LAPIC_EOI, 0);
    expect(lapic.get_interrupt()).toBe(0x55);
  });

  it("vectors 0..15 are illegal: not accepted, ESR bit 6, the error LVT fires", () => {
    const { lapic } = enabled();
    lapic.write(LAPIC_LVT_ERROR, 0xfe);
    lapic.accept_irq(3, false);
    lapic.write(LAPIC_ESR, 0);
    expect(lapic.read(LAPIC_ESR)).toBe(1 << 6);
    expect(lapic.get_interrupt()).toBe(0xfe);
  });
});

describe("local APIC timer on the guest instruction clock", () => {
  it("divide configuration: 0b1011 = 1, 0 = 2, 0b0011 = 16, 0b1010 = 128", () => {
    const { lapic } = enabled();
    for (const [dcr, div] of [
      [0xb, 1],
      [0, 2],
      [3, 16],
      [0xa, 128],
    ] as const) {
      lapic.write(LAPIC_TIMER_DCR, dcr);
      expect(lapic.divisor).toBe(div);
    }
  });

  it("one-shot: the count falls by guest ns / divisor, fires once at zero, then reads 0", () => {
    const { lapic, run } = enabled();
    lapic.write(LAPIC_TIMER_DCR, 0xb);
    lapic.write(LAPIC_LVT_TIMER, 0x40);
    lapic.write(LAPIC_TIMER_ICR, 1000); // 1000 ns = 100 instructions
    expect(lapic.next_deadline()).toBe(1000);
    run(30);
    expect(lapic.read(LAPIC_TIMER_CCR)).toBe(700);
    run(69);
    expect(lapic.has_interrupt()).toBe(false);
    run(1);
    expect(lapic.get_interrupt()).toBe(0x40);
    expect(lapic.read(LAPIC_TIMER_CCR)).toBe(0);
    expect(lapic.next_deadline()).toBeNull();
    lapic.write(LAPIC_EOI, 0);
    run(1000);
    expect(lapic.has_interrupt()).toBe(false);
  });

  it("periodic: reloads every period; the deadline moves on; writing 0 stops it", () => {
    const { lapic, run } = enabled();
    lapic.write(LAPIC_TIMER_DCR, 0); // divide by 2
    lapic.write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | 0x41);
    lapic.write(LAPIC_TIMER_ICR, 50); // 100 ns = 10 instructions
    for (let tick = 1; tick <= 3; tick++) {
      run(10);
      expect(lapic.get_interrupt()).toBe(0x41);
      lapic.write(LAPIC_EOI, 0);
      expect(lapic.next_deadline()).toBe((tick + 1) * 100);
    }
    run(5);
    expect(lapic.read(LAPIC_TIMER_CCR)).toBe(25);
    lapic.write(LAPIC_TIMER_ICR, 0);
    run(100);
    expect(lapic.has_interrupt()).toBe(false);
    expect(lapic.next_deadline()).toBeNull();
  });

  it("a masked timer counts but injects nothing", () => {
    const { lapic, run } = enabled();
    lapic.write(LAPIC_LVT_TIMER, LVT_MASKED | 0x40);
    lapic.write(LAPIC_TIMER_ICR, 100);
    run(2);
    expect(lapic.read(LAPIC_TIMER_CCR)).toBe(90); // divide by 2 at reset: 20 ns = 10 ticks
    run(100);
    expect(lapic.has_interrupt()).toBe(false);
  });
});

describe("I/O APIC", () => {
  function ioapic() {
    const sent: [number, boolean, number][] = [];
    const io = new IoApic((v, level, dest) => sent.push([v, level, dest]));
    const reg = (r: number) => {
      io.write(IOAPIC_IOREGSEL, r);
      return io.read(IOAPIC_IOWIN);
    };
    const set = (r: number, v: number) => {
      io.write(IOAPIC_IOREGSEL, r);
      io.write(IOAPIC_IOWIN, v);
    };
    return { io, sent, reg, set };
  }

  it("version 0x11 with 24 pins; entries masked at reset; read-only bits keep their value", () => {
    const { reg, set } = ioapic();
    expect(reg(1)).toBe(IOAPIC_VERSION);
    expect(IOAPIC_VERSION).toBe(0x170011);
    expect(reg(0x10)).toBe(1 << 16);
    set(0x10, 0x0000_7fff); // remote IRR and delivery status are read-only
    expect(reg(0x10)).toBe(0x0000_2fff);
    set(0x11, 0xff12_3456);
    expect(reg(0x11)).toBe(0xff00_0000);
    expect(reg(0x40)).toBe(0); // past pin 23
  });

  it("edge pins: one delivery per rising edge with vector and destination; masked pins none", () => {
    const { io, sent, set } = ioapic();
    set(0x12, 0x31);
    set(0x13, 0x0200_0000);
    io.set_irq_level(1, 1);
    io.set_irq_level(1, 1);
    io.set_irq_level(1, 0);
    io.set_irq_level(1, 1);
    expect(sent).toEqual([
      [0x31, false, 2],
      [0x31, false, 2],
    ]);
    io.set_irq_level(2, 1); // still masked
    io.set_irq_level(99, 1); // no such pin
    expect(sent).toHaveLength(2);
  });

  it("level pins with the LAPIC: one delivery per EOI while the line stays high (remote IRR)", () => {
    let ioapic: IoApic | null = null;
    const lapic = new Lapic({ now_ns: () => 0, eoi_level: (v) => ioapic?.eoi(v) });
    lapic.write(LAPIC_SVR, 0x1ff);
    const io = new IoApic((v, level) => lapic.accept_irq(v, level));
    ioapic = io;
    const remoteIrr = () => {
      io.write(IOAPIC_IOREGSEL, 0x18);
      return (io.read(IOAPIC_IOWIN) >>> 14) & 1;
    };
    io.write(IOAPIC_IOREGSEL, 0x18); // pin 4
    io.write(IOAPIC_IOWIN, 0x8000 | 0x44); // level, vector 0x44, unmasked
    io.set_irq_level(4, 1);
    expect(remoteIrr()).toBe(1);
    expect(lapic.get_interrupt()).toBe(0x44);
    io.set_irq_level(4, 1);
    expect(lapic.get_interrupt()).toBe(-1); // waits for the EOI
    lapic.write(LAPIC_EOI, 0); // still high: sent again
    expect(lapic.get_interrupt()).toBe(0x44);
    io.set_irq_level(4, 0);
    lapic.write(LAPIC_EOI, 0); // low now: remote IRR clears, nothing sent
    expect(remoteIrr()).toBe(0);
    expect(lapic.has_interrupt()).toBe(false);
    io.write(IOAPIC_IOREGSEL, 0x18);
    io.write(IOAPIC_IOWIN, 0x1_8000 | 0x44); // masked
    io.set_irq_level(4, 1);
    expect(lapic.has_interrupt()).toBe(false);
    io.write(IOAPIC_IOWIN, 0x8000 | 0x44); // unmasking a high level pin delivers it
    expect(lapic.get_interrupt()).toBe(0x44);
  });
});

describe("APIC garbage", () => {
  it("any sequence of register reads and writes, IRQ levels and clock steps is handled without a host exception", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 4 }),
            fc.integer({ min: -8, max: 0x1010 }),
            fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          let now = 0;
          let io: IoApic | null = null;
          const lapic = new Lapic({ now_ns: () => now, eoi_level: (v) => io?.eoi(v) });
          io = new IoApic((v, level) => lapic.accept_irq(v, level));
          for (const [kind, a, b] of ops) {
            if (kind === 0) lapic.write(a & ~3, b);
            else if (kind === 1) expect(lapic.read(a) >>> 0).toBe(lapic.read(a));
            else if (kind === 2) io.write(a & 0x10, b);
            else if (kind === 3) io.set_irq_level(a & 31, b & 1);
            else {
              now += Math.abs(b) % 100_000;
              lapic.advance(now);
            }
            const d = lapic.next_deadline();
            if (d !== null) expect(Number.isFinite(d)).toBe(true);
            const v = lapic.get_interrupt();
            expect(v === -1 || (v >= 16 && v <= 255)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
