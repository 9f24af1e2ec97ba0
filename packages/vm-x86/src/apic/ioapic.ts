/**
 * An I/O APIC (82093AA register model, as QEMU's: 24 pins, version 0x11) at 0xFEC00000. The guest
 * selects a register through IOREGSEL (offset 0x00) and accesses it through IOWIN (offset 0x10).
 * Each pin's redirection entry sends its vector to the local APIC: edge pins on a rising edge,
 * level pins while the line is high, once per EOI (the remote IRR bit).
 */

/** Default physical base of the I/O APIC. */
export const IOAPIC_DEFAULT_BASE = 0xfec0_0000;
/** Redirection entries (pins). */
export const IOAPIC_NUM_PINS = 24;
/** Version register value: version 0x11, maximum redirection entry 23. */
export const IOAPIC_VERSION = ((IOAPIC_NUM_PINS - 1) << 16) | 0x11;
/** IOREGSEL offset. */
export const IOAPIC_IOREGSEL = 0x00;
/** IOWIN offset. */
export const IOAPIC_IOWIN = 0x10;
/** Redirection entry: masked. */
export const IOAPIC_RTE_MASKED = 1n << 16n;
/** Redirection entry: level-triggered. */
export const IOAPIC_RTE_LEVEL = 1n << 15n;
/** Redirection entry: remote IRR (read-only). */
export const IOAPIC_RTE_REMOTE_IRR = 1n << 14n;
/** Redirection entry: delivery status (read-only). */
export const IOAPIC_RTE_DELIVERY_STATUS = 1n << 12n;

/** Bits the guest may write: vector, delivery and destination modes, polarity, trigger, mask, destination. */
const RTE_WRITABLE = 0xff00_0000_0001_afffn;

/** Where the I/O APIC's interrupts go. */
export type IoApicDeliver = (vector: number, level: boolean, destination: number) => void;

/** The I/O APIC. */
export class IoApic {
  /** IOREGSEL. */
  ioregsel = 0;
  /** APIC ID (bits 24..27 of register 0). */
  id = 0;
  /** Redirection entries, all masked at reset. */
  readonly redirection = Array.from({ length: IOAPIC_NUM_PINS }, () => IOAPIC_RTE_MASKED);
  readonly #lines = new Uint8Array(IOAPIC_NUM_PINS);
  readonly #deliver: IoApicDeliver;

  /** @param deliver - sends a vector to the local APIC */
  constructor(deliver: IoApicDeliver) {
    this.#deliver = deliver;
  }

  /** A 32-bit read at `offset`; other offsets read 0. */
  read(offset: number): number {
    if (offset === IOAPIC_IOREGSEL) return this.ioregsel;
    if (offset !== IOAPIC_IOWIN) return 0;
    const r = this.ioregsel;
    if (r === 0) return (this.id << 24) >>> 0;
    if (r === 1) return IOAPIC_VERSION;
    if (r === 2) return (this.id << 24) >>> 0;
    const pin = (r - 0x10) >> 1;
    if (r < 0x10 || pin >= IOAPIC_NUM_PINS) return 0;
    const rte = this.redirection[pin]!;
    return Number((r & 1) === 0 ? rte & 0xffff_ffffn : rte >> 32n) >>> 0;
  }

  /** A 32-bit write at `offset`; read-only registers and other offsets ignore it. */
  write(offset: number, value: number): void {
    value >>>= 0;
    if (offset === IOAPIC_IOREGSEL) {
      this.ioregsel = value & 0xff;
      return;
    }
    if (offset !== IOAPIC_IOWIN) return;
    const r = this.ioregsel;
    if (r === 0) {
      this.id = (value >>> 24) & 0xf;
      return;
    }
    const pin = (r - 0x10) >> 1;
    if (r < 0x10 || pin >= IOAPIC_NUM_PINS) return;
    const old = this.redirection[pin]!;
    const half = (r & 1) === 0 ? BigInt(value) : BigInt(value) << 32n;
    const keep = (r & 1) === 0 ? 0xffff_ffff_0000_0000n : 0xffff_ffffn;
    const fixed = old & (IOAPIC_RTE_REMOTE_IRR | IOAPIC_RTE_DELIVERY_STATUS);
    let rte = ((old & keep) | (half & ~keep)) & RTE_WRITABLE;
    rte |= fixed;
    // Switching a pin to edge clears its remote IRR.
    if ((rte & IOAPIC_RTE_LEVEL) === 0n) rte &= ~IOAPIC_RTE_REMOTE_IRR;
    this.redirection[pin] = rte;
    this.#service(pin);
  }

  /** The line of `pin` changes to `level` (1 asserted); out-of-range pins are ignored. */
  set_irq_level(pin: number, level: number): void {
    if (!Number.isInteger(pin) || pin < 0 || pin >= IOAPIC_NUM_PINS) return;
    const was = this.#lines[pin]!;
    this.#lines[pin] = level !== 0 ? 1 : 0;
    const rte = this.redirection[pin]!;
    if ((rte & IOAPIC_RTE_LEVEL) !== 0n) this.#service(pin);
    else if (was === 0 && level !== 0 && (rte & IOAPIC_RTE_MASKED) === 0n) this.#send(pin, rte);
  }

  /** The local APIC retired level-triggered `vector`: clears remote IRR and re-sends if still high. */
  eoi(vector: number): void {
    for (let pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
      const rte = this.redirection[pin]!;
      if (Number(rte & 0xffn) !== vector || (rte & IOAPIC_RTE_REMOTE_IRR) === 0n) continue;
      this.redirection[pin] = rte & ~IOAPIC_RTE_REMOTE_IRR;
      this.#service(pin);
    }
  }

  /** Delivers a level pin that is high, unmasked and not waiting for its EOI. */
  #service(pin: number): void {
    const rte = this.redirection[pin]!;
    if ((rte & IOAPIC_RTE_LEVEL) === 0n || this.#lines[pin] === 0) return;
    if ((rte & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) !== 0n) return;
    this.redirection[pin] = rte | IOAPIC_RTE_REMOTE_IRR;
    this.#send(pin, rte);
  }

  #send(_pin: number, rte: bigint): void {
    this.#deliver(Number(rte & 0xffn), (rte & IOAPIC_RTE_LEVEL) !== 0n, Number(rte >> 56n));
  }
}
