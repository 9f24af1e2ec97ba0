/**
 * The i8254 PIT of a PC (ports 0x40-0x43) and the port 0x61 gate/output bits of channel 2.
 * Counting follows guest time (1.193182 MHz input clock); channel 0 drives IRQ 0 with an edge at
 * every period (modes 2 and 3) or at terminal count (mode 0). Modes 1, 4 and 5 count as mode 0.
 */

/** PIT input clock in Hz. */
export const PIT_HZ = 1_193_182;

class Channel {
  mode = 0;
  access = 3;
  reload = 0x10000;
  loadedAt = 0;
  armed = false;
  gate = false;
  writeHigh = false;
  readHigh = false;
  latched: number | null = null;
  pendingLow = 0;
  irqsRaised = 0;

  ticks(now: number): number {
    return Math.floor(((now - this.loadedAt) * PIT_HZ) / 1e9);
  }

  count(now: number): number {
    if (!this.armed) return this.reload & 0xffff;
    const t = this.ticks(now);
    if (this.mode === 2 || this.mode === 3) return (this.reload - (t % this.reload)) & 0xffff;
    return (this.reload - t) & 0xffff;
  }

  out(now: number): number {
    if (!this.armed) return this.mode === 0 ? 0 : 1;
    const t = this.ticks(now);
    if (this.mode === 3) return t % this.reload < this.reload / 2 ? 1 : 0;
    if (this.mode === 2) return t % this.reload === this.reload - 1 ? 0 : 1;
    return t >= this.reload ? 1 : 0;
  }

  /** Guest time of the `n`-th IRQ edge after loading (n from 1), or null. */
  edgeTime(n: number): number | null {
    if (!this.armed) return null;
    const periodic = this.mode === 2 || this.mode === 3;
    if (!periodic && n > 1) return null;
    return this.loadedAt + Math.ceil((n * this.reload * 1e9) / PIT_HZ);
  }
}

/** The PIT and the port 0x61 bits. */
export class PitI8254 {
  readonly #channels = [new Channel(), new Channel(), new Channel()];
  readonly #irq0: () => void;
  readonly #now: () => number;
  #port61 = 0;

  /** Creates the PIT; `irq0` raises an edge on IRQ 0, `now_ns` is the guest time. */
  constructor(irq0: () => void, now_ns: () => number) {
    this.#irq0 = irq0;
    this.#now = now_ns;
    this.#channels[0]!.gate = true;
    this.#channels[1]!.gate = true;
  }

  /** Port read (1 byte): 0x40-0x42 counters, 0x61 gate/speaker/refresh/OUT2. */
  port_in(port: number): number {
    const now = this.#now();
    if (port === 0x61) {
      const refresh = Math.floor(now / 15_085) & 1;
      return (this.#port61 & 3) | (refresh << 4) | (this.#channels[2]!.out(now) << 5);
    }
    const c = this.#channels[port - 0x40];
    if (c === undefined) return 0xff;
    const v = c.latched ?? c.count(now);
    let byte: number;
    if (c.access === 1) byte = v & 0xff;
    else if (c.access === 2) byte = v >> 8;
    else {
      byte = c.readHigh ? v >> 8 : v & 0xff;
      c.readHigh = !c.readHigh;
      if (c.readHigh) return byte;
    }
    c.latched = null;
    return byte;
  }

  /** Port write (1 byte). */
  port_out(port: number, value: number): void {
    const v = value & 0xff;
    const now = this.#now();
    if (port === 0x61) {
      const c2 = this.#channels[2]!;
      const rising = (v & 1) !== 0 && !c2.gate;
      this.#port61 = v & 3;
      c2.gate = (v & 1) !== 0;
      if (rising && c2.armed) c2.loadedAt = now;
      return;
    }
    if (port === 0x43) {
      const sel = v >> 6;
      if (sel === 3) return;
      const c = this.#channels[sel]!;
      const access = (v >> 4) & 3;
      if (access === 0) {
        c.latched = c.count(now);
        c.readHigh = false;
        return;
      }
      c.access = access;
      c.mode = (v >> 1) & 7;
      if (c.mode > 5) c.mode -= 4;
      c.armed = false;
      c.writeHigh = false;
      c.readHigh = false;
      return;
    }
    const c = this.#channels[port - 0x40];
    if (c === undefined) return;
    if (c.access === 3 && !c.writeHigh) {
      c.pendingLow = v;
      c.writeHigh = true;
      return;
    }
    let reload: number;
    if (c.access === 1) reload = v;
    else if (c.access === 2) reload = v << 8;
    else {
      reload = c.pendingLow | (v << 8);
      c.writeHigh = false;
    }
    c.reload = reload === 0 ? 0x10000 : reload;
    c.loadedAt = now;
    c.armed = true;
    c.irqsRaised = 0;
  }

  /** Guest time of the next IRQ 0 edge, or null. */
  next_deadline(): number | null {
    const c0 = this.#channels[0]!;
    return c0.edgeTime(c0.irqsRaised + 1);
  }

  /** Guest time moved: raise IRQ 0 for the edges that passed (one edge however many passed). */
  advance(now: number): void {
    const c0 = this.#channels[0]!;
    let due = false;
    for (;;) {
      const t = c0.edgeTime(c0.irqsRaised + 1);
      if (t === null || t > now) break;
      c0.irqsRaised++;
      due = true;
    }
    if (due) this.#irq0();
  }
}
