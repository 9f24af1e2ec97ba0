/**
 * The ARM PrimeCell PL011 UART as QEMU's `virt` machine models it: transmit is instantaneous (the
 * transmit FIFO is always empty), receive goes through a one-byte holding register or, with
 * LCR_H.FEN, a 16-byte FIFO. The receive interrupt follows QEMU: its raw status is set when a byte
 * lands in an empty FIFO (masked or not) and cleared when the FIFO is read empty or by ICR. Bytes
 * from the host wait in an input queue until the FIFO has room, so none is ever dropped.
 *
 * This file is the register model only; `pl011-vm.ts` plugs it into a `@sel4/vm` VM.
 */

/** Data register: read pops a received byte (with its error bits), write transmits. */
export const PL011_DR = 0x000;
/** Receive status (read) / error clear (write). */
export const PL011_RSR_ECR = 0x004;
/** Flag register. */
export const PL011_FR = 0x018;
/** IrDA low-power counter. */
export const PL011_ILPR = 0x020;
/** Integer baud rate divisor. */
export const PL011_IBRD = 0x024;
/** Fractional baud rate divisor. */
export const PL011_FBRD = 0x028;
/** Line control. */
export const PL011_LCR_H = 0x02c;
/** Control. */
export const PL011_CR = 0x030;
/** Interrupt FIFO level select. */
export const PL011_IFLS = 0x034;
/** Interrupt mask set/clear (1 = enabled). */
export const PL011_IMSC = 0x038;
/** Raw interrupt status. */
export const PL011_RIS = 0x03c;
/** Masked interrupt status. */
export const PL011_MIS = 0x040;
/** Interrupt clear (write 1s). */
export const PL011_ICR = 0x044;
/** DMA control. */
export const PL011_DMACR = 0x048;
/** First of the eight PeriphID0-3 / CellID0-3 registers. */
export const PL011_PERIPH_ID0 = 0xfe0;
/** Size of the register window. */
export const PL011_SIZE = 0x1000;

/** FR: receive FIFO empty. */
export const PL011_FR_RXFE = 1 << 4;
/** FR: transmit FIFO full. */
export const PL011_FR_TXFF = 1 << 5;
/** FR: receive FIFO full. */
export const PL011_FR_RXFF = 1 << 6;
/** FR: transmit FIFO empty. */
export const PL011_FR_TXFE = 1 << 7;
/** LCR_H: FIFOs enabled. */
export const PL011_LCR_H_FEN = 1 << 4;
/** Interrupt bit: receive. */
export const PL011_INT_RX = 1 << 4;
/** Interrupt bit: transmit. */
export const PL011_INT_TX = 1 << 5;
/** Interrupt bit: receive timeout (never raised, as in QEMU; the guest may enable it). */
export const PL011_INT_RT = 1 << 6;
/** The eleven interrupt bits IMSC, RIS, MIS and ICR hold. */
export const PL011_INT_MASK = 0x7ff;
/** Depth of the receive FIFO when LCR_H.FEN is set. */
export const PL011_FIFO_DEPTH = 16;

/** PeriphID0-3 (part 0x011, ARM, revision 1) then CellID0-3 (PrimeCell), as QEMU reports them. */
export const PL011_ID: readonly number[] = Object.freeze([
  0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
]);

const CR_RESET = 0x300; // TXE | RXE
const IFLS_RESET = 0x12; // both FIFOs at half full

/** What the UART drives: the transmit line and its combined interrupt output. */
export interface Pl011Backend {
  /** A byte the guest transmitted. */
  transmit(byte: number): void;
  /** The interrupt output changed: 1 when any enabled interrupt is raised. */
  set_irq_level(level: 0 | 1): void;
}

/** One PL011. */
export class Pl011 {
  readonly #backend: Pl011Backend;
  readonly #fifo: number[] = [];
  readonly #input: number[] = [];
  #inputHead = 0;
  #rsr = 0;
  #ilpr = 0;
  #ibrd = 0;
  #fbrd = 0;
  #lcr_h = 0;
  #cr = CR_RESET;
  #ifls = IFLS_RESET;
  #imsc = 0;
  #ris = 0;
  #dmacr = 0;
  #irqLevel: 0 | 1 = 0;

  /** A UART in its reset state, driving `backend`. */
  constructor(backend: Pl011Backend) {
    this.#backend = backend;
  }

  /** The current level of the interrupt output. */
  get irq_level(): 0 | 1 {
    return this.#irqLevel;
  }

  /** Bytes from the host not yet in the receive FIFO. */
  get pending_input(): number {
    return this.#input.length - this.#inputHead;
  }

  /** Bytes in the receive FIFO. */
  get rx_count(): number {
    return this.#fifo.length;
  }

  /** Queues bytes from the host; they enter the receive FIFO as it has room. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.#input.push(b);
    this.#fill();
  }

  /** Reads the 32-bit register at `offset` (reads of DR pop the FIFO). Unknown offsets read 0. */
  read(offset: number): number {
    switch (offset) {
      case PL011_DR:
        return this.#readData();
      case PL011_RSR_ECR:
        return this.#rsr;
      case PL011_FR:
        return this.#flags();
      case PL011_ILPR:
        return this.#ilpr;
      case PL011_IBRD:
        return this.#ibrd;
      case PL011_FBRD:
        return this.#fbrd;
      case PL011_LCR_H:
        return this.#lcr_h;
      case PL011_CR:
        return this.#cr;
      case PL011_IFLS:
        return this.#ifls;
      case PL011_IMSC:
        return this.#imsc;
      case PL011_RIS:
        return this.#ris;
      case PL011_MIS:
        return this.#ris & this.#imsc;
      case PL011_DMACR:
        return this.#dmacr;
      default:
        if (offset >= PL011_PERIPH_ID0 && offset < PL011_SIZE && offset % 4 === 0) {
          return PL011_ID[(offset - PL011_PERIPH_ID0) / 4]!;
        }
        return 0;
    }
  }

  /** Writes the 32-bit register at `offset`. Read-only and unknown offsets ignore writes. */
  write(offset: number, value: number): void {
    const v = value >>> 0;
    switch (offset) {
      case PL011_DR:
        this.#backend.transmit(v & 0xff);
        this.#ris |= PL011_INT_TX; // the byte left at once: the transmit FIFO is empty again
        break;
      case PL011_RSR_ECR:
        this.#rsr = 0;
        break;
      case PL011_ILPR:
        this.#ilpr = v & 0xff;
        break;
      case PL011_IBRD:
        this.#ibrd = v & 0xffff;
        break;
      case PL011_FBRD:
        this.#fbrd = v & 0x3f;
        break;
      case PL011_LCR_H:
        this.#writeLineControl(v & 0xff);
        break;
      case PL011_CR:
        this.#cr = v & 0xffff;
        break;
      case PL011_IFLS:
        this.#ifls = v & 0x3f;
        break;
      case PL011_IMSC:
        this.#imsc = v & PL011_INT_MASK;
        break;
      case PL011_ICR:
        this.#ris &= ~v & PL011_INT_MASK;
        break;
      case PL011_DMACR:
        this.#dmacr = v & 0x7;
        break;
      default:
        return;
    }
    this.#update();
  }

  #depth(): number {
    return (this.#lcr_h & PL011_LCR_H_FEN) !== 0 ? PL011_FIFO_DEPTH : 1;
  }

  #flags(): number {
    const n = this.#fifo.length;
    let fr = PL011_FR_TXFE;
    if (n === 0) fr |= PL011_FR_RXFE;
    if (n >= this.#depth()) fr |= PL011_FR_RXFF;
    return fr;
  }

  #readData(): number {
    const c = this.#fifo.shift();
    if (c === undefined) return 0;
    this.#rsr = (c >>> 8) & 0xf;
    // Raw receive status falls when the FIFO is read empty (QEMU's trigger level is one byte).
    if (this.#fifo.length === 0) this.#ris &= ~PL011_INT_RX;
    this.#fill();
    this.#update();
    return c;
  }

  #writeLineControl(v: number): void {
    // Switching the FIFOs on or off flushes them (as QEMU does); queued host input refills.
    if (((this.#lcr_h ^ v) & PL011_LCR_H_FEN) !== 0) this.#fifo.length = 0;
    this.#lcr_h = v;
    this.#fill();
  }

  /** Moves host input into the FIFO while it has room; the first byte raises the RX status. */
  #fill(): void {
    let added = false;
    while (this.pending_input > 0 && this.#fifo.length < this.#depth()) {
      if (this.#fifo.length === 0) this.#ris |= PL011_INT_RX;
      this.#fifo.push(this.#input[this.#inputHead++]!);
      added = true;
    }
    if (this.#inputHead > 4096 && this.#inputHead * 2 > this.#input.length) {
      this.#input.splice(0, this.#inputHead);
      this.#inputHead = 0;
    }
    if (added) this.#update();
  }

  #update(): void {
    const level: 0 | 1 = (this.#ris & this.#imsc) !== 0 ? 1 : 0;
    if (level !== this.#irqLevel) {
      this.#irqLevel = level;
      this.#backend.set_irq_level(level);
    }
  }
}
