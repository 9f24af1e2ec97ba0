/**
 * A local APIC (the xAPIC register page at 0xFEE00000, Intel SDM vol. 3 ch. 10) with its timer,
 * which C's libsel4vm lacks. Interrupt state is the IRR/ISR/TMR bit vectors; the timer counts
 * guest time (one bus tick per guest nanosecond, divided by the divide configuration) and plugs
 * into the VM loop as an `x86_time_source_t`. The caller maps the page and routes 32-bit
 * accesses here.
 */

/** Default physical base of the local APIC page. */
export const LAPIC_DEFAULT_BASE = 0xfee0_0000;
/** Version register: version 0x14 (integrated APIC), maximum LVT entry 5 (as QEMU). */
export const LAPIC_VERSION = 0x0005_0014;

/** Register offsets inside the LAPIC page. */
export const LAPIC_ID = 0x20;
/** Version (read-only). */
export const LAPIC_VER = 0x30;
/** Task priority. */
export const LAPIC_TPR = 0x80;
/** Processor priority (read-only). */
export const LAPIC_PPR = 0xa0;
/** End of interrupt (write-only). */
export const LAPIC_EOI = 0xb0;
/** Logical destination. */
export const LAPIC_LDR = 0xd0;
/** Destination format. */
export const LAPIC_DFR = 0xe0;
/** Spurious-interrupt vector (bit 8: APIC software enable). */
export const LAPIC_SVR = 0xf0;
/** In-service register, 8 words 16 bytes apart. */
export const LAPIC_ISR = 0x100;
/** Trigger-mode register. */
export const LAPIC_TMR = 0x180;
/** Interrupt-request register. */
export const LAPIC_IRR = 0x200;
/** Error status. */
export const LAPIC_ESR = 0x280;
/** Interrupt command, low word. */
export const LAPIC_ICR_LOW = 0x300;
/** Interrupt command, high word. */
export const LAPIC_ICR_HIGH = 0x310;
/** LVT timer. */
export const LAPIC_LVT_TIMER = 0x320;
/** LVT LINT0. */
export const LAPIC_LVT_LINT0 = 0x350;
/** LVT error (the last LVT entry). */
export const LAPIC_LVT_ERROR = 0x370;
/** Timer initial count. */
export const LAPIC_TIMER_ICR = 0x380;
/** Timer current count (read-only). */
export const LAPIC_TIMER_CCR = 0x390;
/** Timer divide configuration. */
export const LAPIC_TIMER_DCR = 0x3e0;

/** LVT mask bit. */
export const LVT_MASKED = 1 << 16;
/** LVT timer mode field: 0 one-shot, 1 periodic, 2 TSC-deadline. */
export const LVT_TIMER_PERIODIC = 1 << 17;
/** SVR: APIC software enable. */
export const SVR_APIC_ENABLED = 1 << 8;
/** ESR: illegal register address. */
export const ESR_ILLEGAL_REGISTER = 1 << 7;
/** ESR: received illegal vector (0..15). */
export const ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;

const LVT_COUNT = 6; // timer, thermal, perfmon, LINT0, LINT1, error
const LVT_WRITABLE = [0x700ff, 0x107ff, 0x107ff, 0x1f7ff, 0x1f7ff, 0x100ff] as const;

/** What the LAPIC needs from the VMM. */
export interface LapicHost {
  /** Guest time in nanoseconds. */
  now_ns(): number;
  /** EOI of a level-triggered vector (for the I/O APIC's remote IRR). */
  eoi_level(vector: number): void;
}

/** One local APIC. */
export class Lapic {
  readonly #host: LapicHost;
  /** APIC ID (bits 24..31 of the ID register). */
  id = 0;
  /** Task priority. */
  tpr = 0;
  /** Logical destination. */
  ldr = 0;
  /** Destination format (flat model at reset). */
  dfr = 0xffff_ffff;
  /** Spurious-interrupt vector register (software-disabled at reset). */
  svr = 0xff;
  /** Error status as last latched by an ESR write. */
  esr = 0;
  /** ESR bits gathered since the last ESR write (reads show the latched value). */
  #esrPending = 0;
  /** Interrupt command, low word. */
  icr_low = 0;
  /** Interrupt command, high word (destination). */
  icr_high = 0;
  /** LVT entries: timer, thermal, performance counters, LINT0, LINT1, error. */
  readonly lvt = new Uint32Array(LVT_COUNT).fill(LVT_MASKED);
  /** Interrupt-request bits, 256. */
  readonly irr = new Uint32Array(8);
  /** In-service bits, 256. */
  readonly isr = new Uint32Array(8);
  /** Trigger-mode bits (set: level), 256. */
  readonly tmr = new Uint32Array(8);
  /** Timer initial count. */
  initial_count = 0;
  /** Timer divide configuration. */
  dcr = 0;
  /** Guest time the timer count (re)started; whether it is counting. */
  #timerStart = 0;
  #timerArmed = false;

  /** @param host - guest time and EOI notification */
  constructor(host: LapicHost) {
    this.#host = host;
  }

  /** The timer divisor from the divide configuration (bits 0, 1 and 3). */
  get divisor(): number {
    const v = (this.dcr & 3) | ((this.dcr >> 1) & 4);
    return 1 << ((v + 1) & 7);
  }

  /** True when software-enabled (SVR bit 8). */
  get enabled(): boolean {
    return (this.svr & SVR_APIC_ENABLED) !== 0;
  }

  /** A 32-bit read at `offset` in the page; unknown or unaligned offsets read 0 and set ESR. */
  read(offset: number): number {
    if ((offset & 0xf) !== 0) return this.#illegal();
    if (offset >= LAPIC_ISR && offset < LAPIC_ISR + 0x80)
      return this.isr[(offset - LAPIC_ISR) >> 4]!;
    if (offset >= LAPIC_TMR && offset < LAPIC_TMR + 0x80)
      return this.tmr[(offset - LAPIC_TMR) >> 4]!;
    if (offset >= LAPIC_IRR && offset < LAPIC_IRR + 0x80)
      return this.irr[(offset - LAPIC_IRR) >> 4]!;
    if (offset >= LAPIC_LVT_TIMER && offset <= LAPIC_LVT_ERROR)
      return this.lvt[(offset - LAPIC_LVT_TIMER) >> 4]!;
    switch (offset) {
      case LAPIC_ID:
        return (this.id << 24) >>> 0;
      case LAPIC_VER:
        return LAPIC_VERSION;
      case LAPIC_TPR:
        return this.tpr;
      case LAPIC_PPR:
        return this.ppr();
      case LAPIC_EOI:
        return 0;
      case LAPIC_LDR:
        return this.ldr;
      case LAPIC_DFR:
        return this.dfr;
      case LAPIC_SVR:
        return this.svr;
      case LAPIC_ESR:
        return this.esr;
      case LAPIC_ICR_LOW:
        return this.icr_low;
      case LAPIC_ICR_HIGH:
        return this.icr_high;
      case LAPIC_TIMER_ICR:
        return this.initial_count;
      case LAPIC_TIMER_CCR:
        return this.current_count();
      case LAPIC_TIMER_DCR:
        return this.dcr;
      default:
        return this.#illegal();
    }
  }

  /** A 32-bit write at `offset`; read-only registers ignore it, unknown offsets set ESR. */
  write(offset: number, value: number): void {
    value >>>= 0;
    if ((offset & 0xf) !== 0) {
      this.#illegal();
      return;
    }
    if (offset >= LAPIC_LVT_TIMER && offset <= LAPIC_LVT_ERROR) {
      const i = (offset - LAPIC_LVT_TIMER) >> 4;
      // While software-disabled every LVT entry stays masked.
      this.lvt[i] = (value & LVT_WRITABLE[i]!) | (this.enabled ? 0 : LVT_MASKED);
      if (i === 0) this.#advanceTimer();
      return;
    }
    switch (offset) {
      case LAPIC_ID:
        this.id = value >>> 24;
        return;
      case LAPIC_TPR:
        this.tpr = value & 0xff;
        return;
      case LAPIC_EOI:
        this.eoi();
        return;
      case LAPIC_LDR:
        this.ldr = value & 0xff00_0000;
        return;
      case LAPIC_DFR:
        this.dfr = (value | 0x0fff_ffff) >>> 0;
        return;
      case LAPIC_SVR:
        this.svr = value & 0x3ff;
        if (!this.enabled)
          for (let i = 0; i < LVT_COUNT; i++) this.lvt[i] = this.lvt[i]! | LVT_MASKED;
        return;
      case LAPIC_ESR:
        this.esr = this.#esrPending;
        this.#esrPending = 0;
        return;
      case LAPIC_ICR_LOW:
        // Only self-IPIs are delivered: this model has one LAPIC per VM.
        this.icr_low = value & ~(1 << 12);
        if (((value >> 18) & 3) === 1 || ((value >> 18) & 3) === 2)
          this.accept_irq(value & 0xff, false);
        return;
      case LAPIC_ICR_HIGH:
        this.icr_high = value & 0xff00_0000;
        return;
      case LAPIC_TIMER_ICR:
        this.initial_count = value;
        this.#timerStart = this.#host.now_ns();
        this.#timerArmed = value !== 0;
        return;
      case LAPIC_TIMER_DCR: {
        // Changing the divisor keeps the current count (the period restarts from it).
        const left = this.current_count();
        this.dcr = value & 0xb;
        if (this.#timerArmed) this.#restartFrom(left);
        return;
      }
      case LAPIC_VER:
      case LAPIC_PPR:
      case LAPIC_TIMER_CCR:
        return;
      default:
        this.#illegal();
    }
  }

  /** Processor priority: TPR, or the class of the highest in-service vector if higher. */
  ppr(): number {
    const isrv = highest(this.isr);
    const isrClass = isrv < 0 ? 0 : isrv & 0xf0;
    return (this.tpr & 0xf0) >= isrClass ? this.tpr : isrClass;
  }

  /** An interrupt arrives (from the I/O APIC, an LVT or a self-IPI). */
  accept_irq(vector: number, level: boolean): void {
    if (!this.enabled) return;
    if (vector < 16) {
      this.#esrPending |= ESR_RECEIVE_ILLEGAL_VECTOR;
      this.#raiseError();
      return;
    }
    setBit(this.irr, vector, true);
    setBit(this.tmr, vector, level);
  }

  /** True when the highest requested vector's class is above the processor priority. */
  has_interrupt(): boolean {
    const v = highest(this.irr);
    return v >= 0 && (v & 0xf0) > (this.ppr() & 0xf0);
  }

  /** Acknowledges the interrupt to deliver: IRR to ISR; -1 when none can be delivered. */
  get_interrupt(): number {
    if (!this.has_interrupt()) return -1;
    const v = highest(this.irr);
    setBit(this.irr, v, false);
    setBit(this.isr, v, true);
    return v;
  }

  /** EOI: retires the highest in-service vector (telling the I/O APIC if it was level-triggered). */
  eoi(): void {
    const v = highest(this.isr);
    if (v < 0) return;
    setBit(this.isr, v, false);
    if (getBit(this.tmr, v)) this.#host.eoi_level(v);
  }

  /** The timer's current count at the present guest time. */
  current_count(): number {
    this.#advanceTimer();
    if (!this.#timerArmed) return 0;
    const ticks = Math.floor((this.#host.now_ns() - this.#timerStart) / this.divisor);
    return Math.max(0, this.initial_count - ticks);
  }

  /** Guest time of the next timer interrupt, or null (an `x86_time_source_t` deadline). */
  next_deadline(): number | null {
    this.#advanceTimer();
    if (!this.#timerArmed) return null;
    return this.#timerStart + this.initial_count * this.divisor;
  }

  /** Guest time moved: fires the timer if its count reached zero (an `x86_time_source_t`). */
  advance(_now_ns: number): void {
    this.#advanceTimer();
  }

  #advanceTimer(): void {
    if (!this.#timerArmed) return;
    const period = this.initial_count * this.divisor;
    const now = this.#host.now_ns();
    if (now < this.#timerStart + period) return;
    const lvt = this.lvt[0]!;
    if ((lvt & LVT_TIMER_PERIODIC) !== 0) {
      // Periodic: one interrupt however many periods passed (the IRR bit holds only one).
      this.#timerStart += Math.floor((now - this.#timerStart) / period) * period;
    } else {
      this.#timerArmed = false;
    }
    if ((lvt & LVT_MASKED) === 0) this.accept_irq(lvt & 0xff, false);
  }

  #restartFrom(count: number): void {
    // Place the start so that `count` ticks of the new divisor remain.
    this.#timerStart = this.#host.now_ns() - (this.initial_count - count) * this.divisor;
  }

  #illegal(): number {
    this.#esrPending |= ESR_ILLEGAL_REGISTER;
    this.#raiseError();
    return 0;
  }

  #raiseError(): void {
    const lvt = this.lvt[5]!;
    if ((lvt & LVT_MASKED) === 0 && this.enabled && (lvt & 0xff) >= 16) {
      setBit(this.irr, lvt & 0xff, true);
    }
  }
}

function setBit(v: Uint32Array, n: number, on: boolean): void {
  const w = n >> 5;
  const m = 1 << (n & 31);
  v[w] = on ? v[w]! | m : v[w]! & ~m;
}

function getBit(v: Uint32Array, n: number): boolean {
  return (v[n >> 5]! & (1 << (n & 31))) !== 0;
}

/** Highest set bit of a 256-bit vector, or -1. */
function highest(v: Uint32Array): number {
  for (let w = 7; w >= 0; w--) {
    const x = v[w]!;
    if (x !== 0) return w * 32 + 31 - Math.clz32(x);
  }
  return -1;
}
