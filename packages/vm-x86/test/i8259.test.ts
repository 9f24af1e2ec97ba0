/** The i8259 pair: initialisation, masking, priorities, cascade, EOI, level triggering, poll. */
import { describe, expect, it } from "vitest";
import { i8259 } from "../src/index.js";

function initialised(acks: number[] = []): i8259 {
  const pic = new i8259((irq) => acks.push(irq));
  // ICW1 (edge, ICW4), ICW2 base, ICW3, ICW4 (8086) on both chips, as every PC OS does.
  for (const [cmd, data, base, icw3] of [
    [0x20, 0x21, 0x20, 4],
    [0xa0, 0xa1, 0x28, 2],
  ] as const) {
    pic.port_out(cmd, 0x11);
    pic.port_out(data, base);
    pic.port_out(data, icw3);
    pic.port_out(data, 0x01);
  }
  return pic;
}

describe("i8259", () => {
  it("delivers an edge on IRQ 0 at the remapped vector, once, and EOI acknowledges it", () => {
    const acks: number[] = [];
    const pic = initialised(acks);
    expect(pic.has_interrupt()).toBe(false);
    pic.inject_irq(0);
    expect(pic.has_interrupt()).toBe(true);
    expect(pic.get_interrupt()).toBe(0x20);
    expect(pic.has_interrupt()).toBe(false);
    pic.port_out(0x20, 0x0b); // OCW3: read ISR
    expect(pic.port_in(0x20)).toBe(1);
    pic.port_out(0x20, 0x20); // non-specific EOI
    expect(pic.port_in(0x20)).toBe(0);
    expect(acks).toEqual([0]);
  });

  it("masks with IMR, prioritises lower lines, and blocks lower priorities while one is in service", () => {
    const pic = initialised();
    pic.port_out(0x21, 0x01);
    pic.inject_irq(0);
    expect(pic.has_interrupt()).toBe(false);
    pic.inject_irq(4);
    pic.inject_irq(3);
    expect(pic.get_interrupt()).toBe(0x23);
    expect(pic.has_interrupt()).toBe(false); // IRQ 4 waits for the EOI of IRQ 3
    pic.port_out(0x20, 0x20);
    expect(pic.get_interrupt()).toBe(0x24);
    pic.port_out(0x21, 0x00);
    pic.port_out(0x20, 0x20);
    expect(pic.get_interrupt()).toBe(0x20); // the masked edge stayed latched in IRR
  });

  it("cascades slave lines through master pin 2 and acknowledges global pin numbers", () => {
    const acks: number[] = [];
    const pic = initialised(acks);
    pic.inject_irq(12);
    expect(pic.get_interrupt()).toBe(0x2c);
    pic.port_out(0xa0, 0x20);
    pic.port_out(0x20, 0x20);
    expect(acks).toEqual([12]);
  });

  it("level-triggered lines (ELCR) stay pending while high; edges do not", () => {
    const pic = initialised();
    pic.port_out(0x4d0, 0x10);
    expect(pic.port_in(0x4d0)).toBe(0x10);
    pic.set_irq_level(4, 1);
    expect(pic.get_interrupt()).toBe(0x24);
    pic.port_out(0x20, 0x20);
    expect(pic.has_interrupt()).toBe(true);
    pic.set_irq_level(4, 0);
    expect(pic.has_interrupt()).toBe(false);
    pic.set_irq_level(3, 1);
    expect(pic.get_interrupt()).toBe(0x23);
    pic.port_out(0x20, 0x20);
    expect(pic.has_interrupt()).toBe(false);
  });

  it("poll mode returns the pending line; bad lines and foreign ports are refused", () => {
    const pic = initialised();
    pic.inject_irq(5);
    pic.port_out(0x20, 0x0c);
    expect(pic.port_in(0x20)).toBe(0x85);
    expect(pic.set_irq_level(16, 1)).toBe(-1);
    expect(pic.set_irq_level(-1, 1)).toBe(-1);
    expect(pic.port_out(0x22, 0)).toBe(false);
    expect(pic.port_in(0x22)).toBeNull();
  });
});
