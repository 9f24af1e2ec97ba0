/**
 * QEMU's `isa-debug-exit` device: writing V to its port ends the machine with exit status
 * (V << 1) | 1.
 */

/** The device at `port` (QEMU's default 0x501; the guests here use 0xF4). */
export class IsaDebugExit {
  /** Its port. */
  readonly port: number;
  readonly #exit: (status: number) => void;

  /** Creates the device; `exit` receives the exit status. */
  constructor(port: number, exit: (status: number) => void) {
    this.port = port;
    this.#exit = exit;
  }

  /** A write of `value` (any width): the machine stops. */
  port_out(value: number): void {
    this.#exit((((value >>> 0) << 1) | 1) >>> 0);
  }
}
