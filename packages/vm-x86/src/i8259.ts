/**
 * The i8259 PIC pair of a PC (`i8259/i8259.c`): master at ports 0x20/0x21, slave at 0xA0/0xA1
 * cascaded on master pin 2, ELCR at 0x4D0/0x4D1. Edge- and level-triggered inputs, fully nested
 * priorities with rotation, specific and non-specific EOI, auto-EOI, poll mode, special mask.
 */

/** One 8259 chip. */
class Chip {
  lastIrr = 0;
  irr = 0;
  imr = 0;
  isr = 0;
  priorityAdd = 0;
  irqBase = 0;
  readRegisterSelect = 0;
  poll = false;
  specialMask = false;
  initState = 0;
  autoEoi = false;
  rotateOnAutoEoi = false;
  specialFullyNested = false;
  init4 = false;
  elcr = 0;
  constructor(readonly elcrMask: number) {}

  /** Highest-priority bit of `mask` (after rotation), or 8. */
  priority(mask: number): number {
    if (mask === 0) return 8;
    let p = 0;
    while ((mask & (1 << ((p + this.priorityAdd) & 7))) === 0) p++;
    return p;
  }

  /** The pin to deliver next, or -1. */
  pending(isMaster: boolean): number {
    const mask = this.irr & ~this.imr;
    const p = this.priority(mask);
    if (p === 8) return -1;
    let inService = this.isr;
    if (this.specialMask) inService &= ~this.imr;
    if (isMaster && this.specialFullyNested) inService &= ~(1 << 2);
    const cur = this.priority(inService);
    return p < cur ? (p + this.priorityAdd) & 7 : -1;
  }

  setLine(pin: number, level: number): void {
    const bit = 1 << pin;
    if ((this.elcr & bit) !== 0) {
      if (level) {
        this.irr |= bit;
        this.lastIrr |= bit;
      } else {
        this.irr &= ~bit;
        this.lastIrr &= ~bit;
      }
    } else if (level) {
      if ((this.lastIrr & bit) === 0) this.irr |= bit;
      this.lastIrr |= bit;
    } else {
      this.lastIrr &= ~bit;
    }
  }

  reset(): void {
    this.lastIrr = 0;
    this.irr &= this.elcr;
    this.imr = 0;
    this.isr = 0;
    this.priorityAdd = 0;
    this.irqBase = 0;
    this.readRegisterSelect = 0;
    this.poll = false;
    this.specialMask = false;
    this.initState = 0;
    this.autoEoi = false;
    this.rotateOnAutoEoi = false;
    this.specialFullyNested = false;
    this.init4 = false;
  }
}

/** Called when the guest ends an interrupt (EOI) on global pin `irq` (0-15). */
export type PicAckCallback = (irq: number) => void;

/** The PIC pair of one VM. */
export class i8259 {
  readonly #master = new Chip(0xf8);
  readonly #slave = new Chip(0xde);
  readonly #ack: PicAckCallback;

  /** Creates the pair; `ack` hears every end of interrupt. */
  constructor(ack: PicAckCallback = () => {}) {
    this.#ack = ack;
  }

  /** True when the master's INT output is asserted (`i8259_has_interrupt`). */
  has_interrupt(): boolean {
    this.#cascade();
    return this.#master.pending(true) >= 0;
  }

  /** Drives input line `irq` (0-15) to `level`; -1 if out of range. */
  set_irq_level(irq: number, level: number): number {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15) return -1;
    if (irq < 8) this.#master.setLine(irq, level ? 1 : 0);
    else this.#slave.setLine(irq - 8, level ? 1 : 0);
    return 0;
  }

  /** An edge on line `irq` (raise then lower, `vm_inject_irq`). */
  inject_irq(irq: number): number {
    if (this.set_irq_level(irq, 1) !== 0) return -1;
    return this.set_irq_level(irq, 0);
  }

  #cascade(): void {
    if (this.#slave.pending(false) >= 0) {
      this.#master.setLine(2, 1);
      this.#master.setLine(2, 0);
    }
  }

  /** Acknowledges the next interrupt (INTA): its vector, or -1 (`i8259_get_interrupt`). */
  get_interrupt(): number {
    this.#cascade();
    const m = this.#master;
    const irq = m.pending(true);
    if (irq < 0) return -1;
    this.#acknowledge(m, irq);
    if (irq !== 2) return (m.irqBase + irq) & 0xff;
    const s = this.#slave;
    let sirq = s.pending(false);
    if (sirq < 0) sirq = 7;
    else this.#acknowledge(s, sirq);
    return (s.irqBase + sirq) & 0xff;
  }

  #acknowledge(c: Chip, pin: number): void {
    const bit = 1 << pin;
    if ((c.elcr & bit) === 0) c.irr &= ~bit;
    if (c.autoEoi) {
      if (c.rotateOnAutoEoi) c.priorityAdd = (pin + 1) & 7;
    } else {
      c.isr |= bit;
    }
  }

  #clearIsr(c: Chip, pin: number): void {
    c.isr &= ~(1 << pin);
    const global = c === this.#slave ? pin + 8 : pin;
    if (global !== 2) this.#ack(global);
  }

  /** Port read (1-byte); null for ports that are not the PIC's. */
  port_in(port: number): number | null {
    const c = this.#chip(port);
    if (c !== null) {
      if (c.poll) {
        c.poll = false;
        const irq = c.pending(c === this.#master);
        if (irq < 0) return 0x07;
        this.#acknowledge(c, irq);
        if (!c.autoEoi) this.#clearIsr(c, irq);
        return 0x80 | irq;
      }
      if ((port & 1) === 0) return c.readRegisterSelect === 3 ? c.isr : c.irr;
      return c.imr;
    }
    if (port === 0x4d0) return this.#master.elcr;
    if (port === 0x4d1) return this.#slave.elcr;
    return null;
  }

  /** Port write (1-byte); false for ports that are not the PIC's. */
  port_out(port: number, value: number): boolean {
    const v = value & 0xff;
    if (port === 0x4d0 || port === 0x4d1) {
      const c = port === 0x4d0 ? this.#master : this.#slave;
      c.elcr = v & c.elcrMask;
      return true;
    }
    const c = this.#chip(port);
    if (c === null) return false;
    if ((port & 1) === 0) this.#command(c, v);
    else this.#data(c, v);
    return true;
  }

  #command(c: Chip, v: number): void {
    if ((v & 0x10) !== 0) {
      // ICW1.
      c.reset();
      c.init4 = (v & 1) !== 0;
      c.initState = 1;
      return;
    }
    if ((v & 0x08) !== 0) {
      // OCW3.
      if ((v & 0x04) !== 0) c.poll = true;
      if ((v & 0x02) !== 0) c.readRegisterSelect = v & 3;
      if ((v & 0x40) !== 0) c.specialMask = (v & 0x20) !== 0;
      return;
    }
    // OCW2.
    const cmd = v >> 5;
    switch (cmd) {
      case 0:
      case 4:
        c.rotateOnAutoEoi = cmd === 4;
        return;
      case 1:
      case 5: {
        const p = c.priority(c.isr);
        if (p === 8) return;
        const pin = (p + c.priorityAdd) & 7;
        this.#clearIsr(c, pin);
        if (cmd === 5) c.priorityAdd = (pin + 1) & 7;
        return;
      }
      case 3:
        this.#clearIsr(c, v & 7);
        return;
      case 6:
        c.priorityAdd = ((v & 7) + 1) & 7;
        return;
      case 7:
        this.#clearIsr(c, v & 7);
        c.priorityAdd = ((v & 7) + 1) & 7;
        return;
      default:
        return;
    }
  }

  #data(c: Chip, v: number): void {
    switch (c.initState) {
      case 0:
        c.imr = v;
        return;
      case 1:
        c.irqBase = v & 0xf8;
        c.initState = 2;
        return;
      case 2:
        c.initState = c.init4 ? 3 : 0;
        return;
      default:
        c.specialFullyNested = (v & 0x10) !== 0;
        c.autoEoi = (v & 0x02) !== 0;
        c.initState = 0;
    }
  }

  #chip(port: number): Chip | null {
    if (port === 0x20 || port === 0x21) return this.#master;
    if (port === 0xa0 || port === 0xa1) return this.#slave;
    return null;
  }
}
