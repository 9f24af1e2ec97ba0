/**
 * QEMU's terminal escape: Ctrl-A then a key. `x` quits, a second Ctrl-A sends one Ctrl-A to the
 * guest; any other key after Ctrl-A is dropped with it. Only used when stdin is a terminal.
 */

/** Ctrl-A. */
export const ESCAPE_CHAR = 0x01;

/** What a chunk of terminal input became. */
export interface EscapeResult {
  /** Bytes for the guest. */
  readonly bytes: Uint8Array;
  /** True when Ctrl-A X was typed (bytes after it are dropped). */
  readonly quit: boolean;
}

/** Filters terminal input for the Ctrl-A escape; remembers a Ctrl-A at the end of a chunk. */
export class EscapeFilter {
  #afterEscape = false;

  /** Filters one chunk. */
  push(chunk: Uint8Array): EscapeResult {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.#afterEscape) {
        this.#afterEscape = false;
        if (b === 0x78 || b === 0x58) return { bytes: Uint8Array.from(out), quit: true };
        if (b === ESCAPE_CHAR) out.push(ESCAPE_CHAR);
        continue;
      }
      if (b === ESCAPE_CHAR) this.#afterEscape = true;
      else out.push(b);
    }
    return { bytes: Uint8Array.from(out), quit: false };
  }
}
