/**
 * A progress line on a terminal's stderr while a guest boots silently: shown after a second
 * without guest output, refreshed a few times per second, erased for good before the guest's
 * first byte reaches the screen.
 */

const SHOW_AFTER_MS = 1000;
const REFRESH_MS = 250;

/** Where the line goes. */
export interface ProgressStream {
  /** Whether the stream is a terminal (the line is only drawn on one). */
  readonly isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/** The boot progress line. */
export class BootProgress {
  readonly #stream: ProgressStream;
  readonly #start: number;
  #drawnAt = -Infinity;
  #visible = false;
  #finished: boolean;

  /** @param stream - stderr; nothing is drawn unless it is a terminal. @param now - ms clock */
  constructor(stream: ProgressStream, now: number) {
    this.#stream = stream;
    this.#start = now;
    this.#finished = stream.isTTY !== true;
  }

  /** Redraws the line if it is due. */
  update(now: number, instructions: number | null): void {
    if (this.#finished || now - this.#start < SHOW_AFTER_MS || now - this.#drawnAt < REFRESH_MS) {
      return;
    }
    const secs = ((now - this.#start) / 1000).toFixed(1);
    const insns = instructions === null ? "" : `, ${formatCount(instructions)} instructions`;
    this.#stream.write(`\r\x1b[Ksel4-vmm: booting (${secs} s${insns}; Ctrl-A X quits)`);
    this.#drawnAt = now;
    this.#visible = true;
  }

  /** Erases the line and draws no more (the guest has started printing, or the run ended). */
  finish(): void {
    if (this.#visible) this.#stream.write("\r\x1b[K");
    this.#visible = false;
    this.#finished = true;
  }
}

/** `1234567` → `1.23 M`. */
export function formatCount(n: number): string {
  if (n < 1e3) return String(n);
  for (const [div, unit] of [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const) {
    if (n >= div) return `${(n / div).toPrecision(3)} ${unit}`;
  }
  return String(n);
}
