/**
 * The guest console on the host: guest UART bytes go to stdout unchanged (buffered, flushed at
 * every host turn), stdin bytes wait here until the VMM takes them. A terminal is put in raw mode
 * with QEMU's Ctrl-A X to quit; a pipe is read as is, and its end is not an error.
 */
import { EscapeFilter } from "./escape.js";

/** The streams a console uses (a subset of Node's process streams). */
export interface ConsoleStreams {
  /** Guest input. */
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Guest output. */
  readonly stdout: NodeJS.WritableStream;
}

/** What the console tells the run. */
export interface ConsoleEvents {
  /** New input is waiting (the run raises the host serial interrupt). */
  input(): void;
  /** Ctrl-A X was typed. */
  quit(): void;
  /** stdin ended. */
  closed(): void;
}

const FLUSH_BYTES = 4096;

/** One console. */
export class HostConsole {
  readonly #streams: ConsoleStreams;
  readonly #events: ConsoleEvents;
  readonly #escape: EscapeFilter | null;
  readonly #input: Uint8Array[] = [];
  #output: number[] = [];
  #closed = false;
  #written = 0;
  #raw = false;
  readonly #onData = (chunk: Buffer | string): void => this.#data(chunk);
  readonly #onEnd = (): void => this.#end();

  /** Starts reading `streams.stdin` (raw mode if it is a terminal). */
  constructor(streams: ConsoleStreams, events: ConsoleEvents) {
    this.#streams = streams;
    this.#events = events;
    const { stdin } = streams;
    const tty = stdin.isTTY === true && typeof stdin.setRawMode === "function";
    this.#escape = tty ? new EscapeFilter() : null;
    if (tty) {
      stdin.setRawMode!(true);
      this.#raw = true;
    }
    stdin.on("data", this.#onData);
    stdin.on("end", this.#onEnd);
    stdin.on("error", this.#onEnd);
    stdin.resume();
  }

  /** Bytes the guest has written so far. */
  get bytes_written(): number {
    return this.#written + this.#output.length;
  }

  /** True once stdin has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True when input waits for the VMM. */
  get has_input(): boolean {
    return this.#input.length > 0;
  }

  /** A byte from the guest's UART. */
  transmit(byte: number): void {
    this.#output.push(byte);
    if (this.#output.length >= FLUSH_BYTES) this.flush();
  }

  /** Writes buffered guest output. */
  flush(): void {
    if (this.#output.length === 0) return;
    this.#streams.stdout.write(Uint8Array.from(this.#output));
    this.#written += this.#output.length;
    this.#output = [];
  }

  /** Takes all waiting input. */
  take_input(): Uint8Array {
    const total = this.#input.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.#input.splice(0)) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Stops reading, restores the terminal and flushes output. */
  close(): void {
    const { stdin } = this.#streams;
    stdin.off("data", this.#onData);
    stdin.off("end", this.#onEnd);
    stdin.off("error", this.#onEnd);
    stdin.pause();
    if (this.#raw) stdin.setRawMode!(false);
    this.#raw = false;
    this.flush();
  }

  #data(chunk: Buffer | string): void {
    let bytes: Uint8Array = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    let quit = false;
    if (this.#escape !== null) ({ bytes, quit } = this.#escape.push(bytes));
    if (bytes.length > 0) {
      this.#input.push(Uint8Array.from(bytes));
      this.#events.input();
    }
    if (quit) this.#events.quit();
  }

  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.closed();
  }
}
