// A Sel4ThreadPort for tests: it records every kernel entry with the registers and IPC buffer the
// kernel would see, and answers with a scripted reply. It observes the wire format; it does not
// pretend to be a kernel.
import type { Sel4ThreadPort, SyscallResult } from "../port.js";
import type { Sel4Config } from "../types.js";

/** One kernel entry as the kernel saw it. */
export interface RecordedEntry {
  readonly id: number;
  readonly dest: number;
  readonly info: bigint;
  readonly blocking: boolean;
  /** MR0..MR3 (machine registers) at entry. */
  readonly registers: readonly bigint[];
  /** The 128 IPC-buffer words at entry. */
  readonly buffer: readonly bigint[];
}

/** What the scripted kernel leaves behind. */
export interface ScriptedReply {
  readonly badge?: bigint;
  readonly info?: bigint;
  /** Reply message registers MR0.. (MR4 and up go to the IPC buffer). */
  readonly mrs?: readonly bigint[];
}

export class RecordingPort implements Sel4ThreadPort {
  readonly entries: RecordedEntry[] = [];
  readonly registers: bigint[] = [0n, 0n, 0n, 0n];
  readonly buffer: bigint[] | null;
  reply: ScriptedReply = {};

  constructor(
    readonly config: Sel4Config,
    options: { hasIPCBuffer?: boolean } = {},
  ) {
    this.buffer = options.hasIPCBuffer === false ? null : new Array(128).fill(0n);
  }

  getMR(i: number): bigint {
    if (i < 4) return this.registers[i] ?? 0n;
    return this.buffer?.[i + 1] ?? 0n;
  }

  setMR(i: number, value: bigint): void {
    if (i < 4) this.registers[i] = value;
    else if (this.buffer && i + 1 < 128) this.buffer[i + 1] = value;
  }

  readIPCBufferWord(i: number): bigint {
    return this.buffer?.[i] ?? 0n;
  }

  writeIPCBufferWord(i: number, value: bigint): void {
    if (this.buffer && i >= 0 && i < 128) this.buffer[i] = value;
  }

  syscall(id: number, dest: number, info: bigint): SyscallResult {
    return this.enter(id, dest, info, false);
  }

  async syscallBlocking(id: number, dest: number, info: bigint): Promise<SyscallResult> {
    return this.enter(id, dest, info, true);
  }

  /** The last entry (throws if there was none, which a test wants to notice). */
  get last(): RecordedEntry {
    const entry = this.entries.at(-1);
    if (!entry) throw new Error("no kernel entry recorded");
    return entry;
  }

  private enter(id: number, dest: number, info: bigint, blocking: boolean): SyscallResult {
    this.entries.push({
      id,
      dest,
      info,
      blocking,
      registers: [...this.registers],
      buffer: this.buffer ? [...this.buffer] : [],
    });
    const { badge = 0n, info: replyInfo = 0n, mrs = [] } = this.reply;
    mrs.forEach((value, i) => {
      this.setMR(i, value);
    });
    return { badge, info: replyInfo };
  }
}
