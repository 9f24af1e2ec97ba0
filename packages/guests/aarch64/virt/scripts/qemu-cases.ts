/**
 * The QEMU runs that define the expected output of every guest in this folder: reading
 * `expected/cases.json`, building the exact command line and running it with its stdin.
 * Shared by `record-expected.ts` (writes `expected/<name>.txt`) and the package's tests.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One recorded QEMU run. */
export interface QemuCase {
  /** Name of the expected output file, `expected/<name>.txt`. */
  readonly name: string;
  /** Program in `bin/`. */
  readonly binary: string;
  /** CPU count (`-smp`). */
  readonly smp: number;
  /** Bytes written to QEMU's stdin (then closed); the guest's UART receives them. */
  readonly stdin: string;
}

/** The whole manifest. */
export interface QemuManifest {
  /** Machine options shared by every case (board, CPU, memory, console). */
  readonly machine: readonly string[];
  readonly cases: readonly QemuCase[];
}

/** What one QEMU run produced. */
export interface QemuRun {
  /** The guest's UART output, byte for byte. */
  readonly stdout: Buffer;
  readonly stderr: string;
  /** Exit code, or null when QEMU was killed (timeout). */
  readonly code: number | null;
  readonly timedOut: boolean;
}

/** Folder of the aarch64/virt guests (sources, `bin/`, `expected/`). */
export const virtDir: string = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The QEMU binary the cases run under. */
export const qemuBinary = "qemu-system-aarch64";

/** Reads `expected/cases.json`. */
export function loadManifest(): QemuManifest {
  const text = readFileSync(join(virtDir, "expected", "cases.json"), "utf8");
  return JSON.parse(text) as QemuManifest;
}

/** Path of a case's expected output. */
export function expectedPath(c: QemuCase): string {
  return join(virtDir, "expected", `${c.name}.txt`);
}

/** QEMU's arguments for a case, with the binary taken from `binDir` (default: `bin/`). */
export function qemuArgs(
  manifest: QemuManifest,
  c: QemuCase,
  binDir: string = join(virtDir, "bin"),
): string[] {
  return [...manifest.machine, "-smp", String(c.smp), "-kernel", join(binDir, c.binary)];
}

/**
 * Runs QEMU with the given arguments, writing `input` chunks to its stdin `gapMs` apart and then
 * closing it; kills QEMU after `timeoutMs`. With `startAfter`, the first chunk waits until the
 * guest has printed that text (so timing between chunks starts when the guest is up, however slow
 * the host is).
 */
export function runQemu(
  args: readonly string[],
  input: readonly string[],
  timeoutMs: number,
  gapMs = 0,
  startAfter?: string,
): Promise<QemuRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(qemuBinary, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    let started = startAfter === undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      out.push(chunk);
      if (!started && Buffer.concat(out).toString("latin1").includes(startAfter!)) {
        started = true;
        feed(0);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
    });
    // QEMU may exit before reading all its input (the guest powered off): not an error.
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code, timedOut });
    });
    const feed = (index: number): void => {
      if (index >= input.length) {
        child.stdin.end();
        return;
      }
      child.stdin.write(Buffer.from(input[index] ?? "", "latin1"));
      setTimeout(() => feed(index + 1), index + 1 < input.length ? gapMs : 0);
    };
    if (started) feed(0);
  });
}
