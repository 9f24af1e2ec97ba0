/**
 * The CMOS RTC of a PC (index port 0x70, data 0x71): time and date registers in BCD, 24-hour
 * mode, status registers A-D, and 128 bytes of CMOS RAM. The clock is deterministic: `start` plus
 * the guest time the caller reports (QEMU's `-rtc base=...,clock=vm`).
 */

const SECONDS_PER_DAY = 86_400;

function bcd(v: number): number {
  return ((Math.floor(v / 10) % 10) << 4) | (v % 10);
}

/** The RTC. */
export class CmosRtc {
  readonly #ram = new Uint8Array(128);
  readonly #startSeconds: number;
  readonly #now: () => number;
  #index = 0;

  /**
   * Creates the RTC. `start` is the wall time at guest time 0 (UTC); `now_ns` returns the guest
   * time in nanoseconds.
   */
  constructor(start: Date, now_ns: () => number) {
    this.#startSeconds = Math.floor(start.getTime() / 1000);
    this.#now = now_ns;
    this.#ram[0x0a] = 0x26;
    this.#ram[0x0b] = 0x02;
    this.#ram[0x0d] = 0x80;
  }

  /** Port read (1 byte). */
  port_in(port: number): number {
    if (port === 0x70) return 0xff;
    return this.#read(this.#index);
  }

  /** Port write (1 byte); bit 7 of the index is the NMI mask and is ignored. */
  port_out(port: number, value: number): void {
    if (port === 0x70) this.#index = value & 0x7f;
    else if (this.#index >= 0x0a && this.#index <= 0x0d) {
      if (this.#index === 0x0b) this.#ram[0x0b] = value & 0xff;
    } else if (this.#index >= 0x0e || this.#index < 0x0a) {
      this.#ram[this.#index] = value & 0xff;
    }
  }

  #read(index: number): number {
    const t = this.#startSeconds + Math.floor(this.#now() / 1e9);
    const days = Math.floor(t / SECONDS_PER_DAY);
    const secs = t - days * SECONDS_PER_DAY;
    const date = new Date(days * SECONDS_PER_DAY * 1000);
    const binary = (this.#ram[0x0b]! & 0x04) !== 0;
    const enc = (v: number) => (binary ? v : bcd(v));
    switch (index) {
      case 0x00:
        return enc(secs % 60);
      case 0x02:
        return enc(Math.floor(secs / 60) % 60);
      case 0x04:
        return enc(Math.floor(secs / 3600));
      case 0x06:
        return enc(date.getUTCDay() + 1);
      case 0x07:
        return enc(date.getUTCDate());
      case 0x08:
        return enc(date.getUTCMonth() + 1);
      case 0x09:
        return enc(date.getUTCFullYear() % 100);
      case 0x32:
        return enc(Math.floor(date.getUTCFullYear() / 100));
      case 0x0c:
        return 0;
      default:
        return this.#ram[index]!;
    }
  }
}
