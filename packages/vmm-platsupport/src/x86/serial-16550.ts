/**
 * A 16550 UART (8 registers at `base`, e.g. 0x3F8 for COM1) as a PC console: transmitted bytes go
 * to `output` at once, received bytes come from a queue fed with {@link Serial16550.receive}.
 * Interrupts (received data, transmitter empty) drive `irq` as a level.
 */

/** Line status: data ready. */
const LSR_DR = 0x01;
/** Line status: transmitter holding register empty and transmitter empty. */
const LSR_THRE_TEMT = 0x60;
/** IER bits: received data, THR empty. */
const IER_RDA = 0x01;
const IER_THRE = 0x02;

/** The UART. */
export class Serial16550 {
  /** First port. */
  readonly base: number;
  readonly #output: (byte: number) => void;
  readonly #irq: (level: number) => void;
  readonly #rx: number[] = [];
  #ier = 0;
  #lcr = 0;
  #mcr = 0;
  #scr = 0;
  #dll = 1;
  #dlm = 0;
  #threPending = false;

  /** Creates the UART; `irq` is called with the interrupt line's level when it may change. */
  constructor(base: number, output: (byte: number) => void, irq: (level: number) => void) {
    this.base = base;
    this.#output = output;
    this.#irq = irq;
  }

  /** Queues bytes for the receiver. */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.#rx.push(b & 0xff);
    this.#update();
  }

  /** Bytes waiting in the receiver. */
  get pending_input(): number {
    return this.#rx.length;
  }

  /** Port read (1 byte). */
  port_in(port: number): number {
    const dlab = (this.#lcr & 0x80) !== 0;
    switch (port - this.base) {
      case 0: {
        if (dlab) return this.#dll;
        const v = this.#rx.shift() ?? 0;
        this.#update();
        return v;
      }
      case 1:
        return dlab ? this.#dlm : this.#ier;
      case 2: {
        // IIR: received data first, then THR empty (reading it clears that source).
        if ((this.#ier & IER_RDA) !== 0 && this.#rx.length > 0) return 0xc4;
        if (this.#threPending) {
          this.#threPending = false;
          this.#update();
          return 0xc2;
        }
        return 0xc1;
      }
      case 3:
        return this.#lcr;
      case 4:
        return this.#mcr;
      case 5:
        return LSR_THRE_TEMT | (this.#rx.length > 0 ? LSR_DR : 0);
      case 6:
        return 0xb0;
      case 7:
        return this.#scr;
      default:
        return 0xff;
    }
  }

  /** Port write (1 byte). */
  port_out(port: number, value: number): void {
    const v = value & 0xff;
    const dlab = (this.#lcr & 0x80) !== 0;
    switch (port - this.base) {
      case 0:
        if (dlab) this.#dll = v;
        else {
          this.#output(v);
          this.#threPending = true;
        }
        break;
      case 1:
        if (dlab) this.#dlm = v;
        else {
          const was = this.#ier;
          this.#ier = v & 0x0f;
          if ((v & IER_THRE) !== 0 && (was & IER_THRE) === 0) this.#threPending = true;
        }
        break;
      case 3:
        this.#lcr = v;
        break;
      case 4:
        this.#mcr = v & 0x1f;
        break;
      case 7:
        this.#scr = v;
        break;
      default:
        break;
    }
    this.#update();
  }

  #update(): void {
    const rda = (this.#ier & IER_RDA) !== 0 && this.#rx.length > 0;
    const thre = (this.#ier & IER_THRE) !== 0 && this.#threPending;
    // OUT2 gates the interrupt line onto the ISA bus on a PC.
    this.#irq((rda || thre) && (this.#mcr & 0x08) !== 0 ? 1 : 0);
  }
}
