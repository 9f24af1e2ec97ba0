/** Runs `sel4-vmm` as a real child process, from sources (tsx with the `@sel4/source` condition). */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** The folder of the aarch64 virt guests. */
export const virtGuests = join(repoRoot, "packages", "guests", "aarch64", "virt");

/** What a child run produced. */
export interface ChildRun {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `command args…` in the repository root with `stdin` piped in (then closed). */
export function runChild(
  command: string,
  args: readonly string[],
  stdin: Uint8Array | string = "",
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") }),
    );
    child.stdin.on("error", () => {}); // the CLI may exit before reading everything
    child.stdin.end(stdin);
  });
}

/** Runs the CLI with `args`. */
export function sel4vmm(
  args: readonly string[],
  stdin: Uint8Array | string = "",
): Promise<ChildRun> {
  return runChild(
    process.execPath,
    ["--conditions=@sel4/source", "--import", "tsx", "packages/vmm/src/cli.ts", ...args],
    stdin,
  );
}
