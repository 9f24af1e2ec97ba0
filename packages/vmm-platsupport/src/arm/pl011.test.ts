import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PL011_CR,
  PL011_DMACR,
  PL011_DR,
  PL011_FBRD,
  PL011_FR,
  PL011_FR_RXFE,
  PL011_FR_RXFF,
  PL011_FR_TXFE,
  PL011_FR_TXFF,
  PL011_IBRD,
  PL011_ICR,
  PL011_IFLS,
  PL011_ILPR,
  PL011_IMSC,
  PL011_INT_RT,
  PL011_INT_RX,
  PL011_INT_TX,
  PL011_LCR_H,
  PL011_LCR_H_FEN,
  PL011_MIS,
  PL011_RIS,
  PL011_RSR_ECR,
  Pl011,
} from "./pl011.js";

function uart() {
  const out: number[] = [];
  const levels: number[] = [];
  const u = new Pl011({ transmit: (b) => out.push(b), set_irq_level: (l) => levels.push(l) });
  return { u, out, levels };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe("PL011 reset state and plain registers", () => {
  it("resets as QEMU's: CR 0x300, IFLS 0x12, FR TXFE|RXFE, no interrupts", () => {
    const { u } = uart();
    expect(u.read(PL011_CR)).toBe(0x300);
    expect(u.read(PL011_IFLS)).toBe(0x12);
    expect(u.read(PL011_FR)).toBe(PL011_FR_TXFE | PL011_FR_RXFE);
    expect([u.read(PL011_IMSC), u.read(PL011_RIS), u.read(PL011_MIS), u.read(PL011_LCR_H)]).toEqual(
      [0, 0, 0, 0],
    );
    expect(u.read(PL011_DR)).toBe(0); // empty FIFO
  });

  it("reads the PeriphID and CellID registers", () => {
    const { u } = uart();
    const ids = Array.from({ length: 8 }, (_, i) => u.read(0xfe0 + 4 * i));
    expect(ids).toEqual([0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it("stores IBRD/FBRD/LCR_H/CR/IFLS/ILPR/DMACR within their field widths", () => {
    const { u } = uart();
    const cases: [number, number][] = [
      [PL011_IBRD, 0xffff],
      [PL011_FBRD, 0x3f],
      [PL011_LCR_H, 0xff],
      [PL011_CR, 0xffff],
      [PL011_IFLS, 0x3f],
      [PL011_ILPR, 0xff],
      [PL011_DMACR, 0x7],
    ];
    for (const [reg, mask] of cases) {
      u.write(reg, 0xffff_ffff);
      expect(u.read(reg)).toBe(mask);
      u.write(reg, 0x1234_5675 & mask);
      expect(u.read(reg)).toBe(0x1234_5675 & mask);
    }
  });

  it("ignores writes to read-only and unknown offsets; unknown offsets read 0", () => {
    const { u, out } = uart();
    for (const off of [PL011_FR, PL011_RIS, PL011_MIS, 0x100, 0xfe0, 0xffc])
      u.write(off, 0xffff_ffff);
    expect(u.read(PL011_FR)).toBe(PL011_FR_TXFE | PL011_FR_RXFE);
    expect(u.read(PL011_RIS)).toBe(0);
    expect(u.read(0x100)).toBe(0);
    expect(u.read(0xfe0)).toBe(0x11);
    expect(out).toEqual([]);
  });
});

describe("PL011 transmit", () => {
  it("sends the low byte of each DR write and raises the TX raw status at once", () => {
    const { u, out, levels } = uart();
    u.write(PL011_DR, 0x1_41);
    u.write(PL011_DR, 0x0a);
    expect(out).toEqual([0x41, 0x0a]);
    expect(u.read(PL011_FR) & (PL011_FR_TXFF | PL011_FR_TXFE)).toBe(PL011_FR_TXFE);
    expect(u.read(PL011_RIS)).toBe(PL011_INT_TX);
    expect(levels).toEqual([]); // masked
    u.write(PL011_IMSC, PL011_INT_TX);
    expect(levels).toEqual([1]);
    expect(u.read(PL011_MIS)).toBe(PL011_INT_TX);
    u.write(PL011_ICR, PL011_INT_TX);
    expect(levels).toEqual([1, 0]);
  });
});

describe("PL011 receive", () => {
  it("a byte arriving while masked sets the raw RX status; unmasking raises the line", () => {
    const { u, levels } = uart();
    u.receive(bytes("a"));
    expect(u.read(PL011_RIS)).toBe(PL011_INT_RX);
    expect(u.read(PL011_MIS)).toBe(0);
    expect(levels).toEqual([]);
    u.write(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
    expect(levels).toEqual([1]);
    expect(u.read(PL011_FR) & (PL011_FR_RXFE | PL011_FR_RXFF)).toBe(PL011_FR_RXFF); // 1-byte holding register
    expect(u.read(PL011_DR)).toBe(0x61);
    expect(u.read(PL011_RIS)).toBe(0);
    expect(levels).toEqual([1, 0]);
    expect(u.read(PL011_FR) & PL011_FR_RXFE).toBe(PL011_FR_RXFE);
  });

  it("without FIFOs holds one byte; the rest wait and enter one by one as DR is read, none lost", () => {
    const { u } = uart();
    u.receive(bytes("xyz"));
    expect([u.rx_count, u.pending_input]).toEqual([1, 2]);
    const got: number[] = [];
    while ((u.read(PL011_FR) & PL011_FR_RXFE) === 0) got.push(u.read(PL011_DR));
    expect(String.fromCharCode(...got)).toBe("xyz");
    expect(u.read(PL011_RIS) & PL011_INT_RX).toBe(0);
  });

  it("ICR clears the RX status while bytes remain; it comes back only when a byte lands in an empty FIFO", () => {
    const { u, levels } = uart();
    u.write(PL011_IMSC, PL011_INT_RX);
    u.receive(bytes("ab"));
    expect(levels).toEqual([1]);
    u.write(PL011_ICR, 0x7ff);
    expect(levels).toEqual([1, 0]);
    expect(u.read(PL011_DR)).toBe(0x61); // 'b' moves in: the FIFO was empty, the status rises
    expect(u.read(PL011_RIS)).toBe(PL011_INT_RX);
    expect(levels).toEqual([1, 0, 1]);
    expect(u.read(PL011_DR)).toBe(0x62);
    expect(levels).toEqual([1, 0, 1, 0]);
  });

  it("with LCR_H.FEN holds 16 bytes (RXFF at 16); toggling FEN flushes the FIFO", () => {
    const { u } = uart();
    u.write(PL011_LCR_H, PL011_LCR_H_FEN | 0x60);
    u.receive(new Uint8Array(20).map((_, i) => 0x30 + i));
    expect([u.rx_count, u.pending_input]).toEqual([16, 4]);
    expect(u.read(PL011_FR) & PL011_FR_RXFF).toBe(PL011_FR_RXFF);
    expect(u.read(PL011_DR)).toBe(0x30);
    expect(u.read(PL011_FR) & PL011_FR_RXFF).toBe(PL011_FR_RXFF); // refilled from the waiting input
    u.write(PL011_LCR_H, 0x60); // FEN off: the 16 bytes in the FIFO are dropped, one waiting byte enters
    expect([u.rx_count, u.pending_input]).toEqual([1, 2]);
    expect(u.read(PL011_DR)).toBe(0x30 + 17);
  });

  it("RSR reads the received byte's error bits and any ECR write clears it", () => {
    const { u } = uart();
    expect(u.read(PL011_RSR_ECR)).toBe(0);
    u.write(PL011_RSR_ECR, 0);
    expect(u.read(PL011_RSR_ECR)).toBe(0);
  });

  it("property: any register traffic keeps every received byte in order and the line equal to RIS & IMSC", () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant("rx" as const), data: fc.uint8Array({ maxLength: 8 }) }),
      fc.record({
        k: fc.constant("rd" as const),
        off: fc.integer({ min: 0, max: 0x1000 / 4 - 1 }).map((w) => w * 4),
      }),
      fc.record({
        k: fc.constant("wr" as const),
        off: fc.constantFrom(
          PL011_DR,
          PL011_RSR_ECR,
          PL011_IBRD,
          PL011_CR,
          PL011_IFLS,
          PL011_IMSC,
          PL011_ICR,
          PL011_DMACR,
          0x7fc,
        ),
        v: fc.integer({ min: 0, max: 0xffff_ffff }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const { u, levels } = uart();
        const sent: number[] = [];
        const got: number[] = [];
        for (const o of ops) {
          if (o.k === "rx") {
            u.receive(o.data);
            sent.push(...o.data);
          } else if (o.k === "rd") {
            const empty = (u.read(PL011_FR) & PL011_FR_RXFE) !== 0;
            const v = u.read(o.off);
            if (o.off === PL011_DR && !empty) got.push(v & 0xff);
          } else {
            u.write(o.off, o.v);
          }
          const expected = (u.read(PL011_RIS) & u.read(PL011_IMSC)) !== 0 ? 1 : 0;
          expect(u.irq_level).toBe(expected);
          expect(levels.at(-1) ?? 0).toBe(expected);
        }
        while ((u.read(PL011_FR) & PL011_FR_RXFE) === 0) got.push(u.read(PL011_DR) & 0xff);
        expect(got).toEqual(sent);
      }),
    );
  });
});
