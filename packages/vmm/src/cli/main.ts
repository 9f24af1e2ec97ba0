/**
 * The `sel4-vmm` program as a function: arguments and streams in, exit status out. Every failure
 * is one line on stderr (`sel4-vmm: …`), never a stack trace; stdout carries only the guest's UART.
 */
import { readFileSync } from "node:fs";
import { formatCount } from "../console/progress.js";
import { type RunIo, type RunStats, runGuest } from "../run.js";
import { runX86Guest } from "../x86/run-x86.js";
import { parseCommandLine, USAGE } from "./args.js";
import {
  BadFileError,
  EXIT_BAD_FILE,
  EXIT_GUEST_ERROR,
  EXIT_USAGE,
  UsageError,
} from "./usage-error.js";

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return String(pkg.version);
  } catch {
    return "unknown";
  }
}

/** The `--stats` report: one `name: value` line each. */
export function formatStats(s: RunStats): string {
  const lines = [`wall time: ${s.wall_seconds.toFixed(3)} s`];
  const rate = s.wall_seconds > 0 ? s.instructions / s.wall_seconds : 0;
  lines.push(`instructions: ${s.instructions}`);
  lines.push(`instructions per second: ${formatCount(Math.round(rate))}`);
  lines.push(`virtual time: ${s.virtual_seconds.toFixed(6)} s`);
  lines.push(`vm exits: ${s.total_exits}`);
  for (const [kind, n] of s.exits) lines.push(`  ${kind}: ${n}`);
  return lines.map((l) => `sel4-vmm: ${l}\n`).join("");
}

/**
 * Runs `sel4-vmm` with `argv` (the arguments after the program name).
 * @returns the process exit status
 */
export async function sel4_vmm_main(argv: readonly string[], io: RunIo): Promise<number> {
  const say = (line: string): void => {
    io.stderr.write(`sel4-vmm: ${line}\n`);
  };
  try {
    const command = parseCommandLine(argv);
    if (command.kind === "help") {
      io.stderr.write(USAGE);
      return 0;
    }
    if (command.kind === "version") {
      io.stderr.write(`sel4-vmm ${version()}\n`);
      return 0;
    }
    const result =
      command.options.arch === "x86"
        ? await runX86Guest(command.options, io)
        : await runGuest(command.options, io);
    if (result.reason !== null) say(result.reason);
    if (command.options.stats) io.stderr.write(formatStats(result.stats));
    return result.status;
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      return EXIT_USAGE;
    }
    if (e instanceof BadFileError) {
      say(e.message);
      return EXIT_BAD_FILE;
    }
    say(`internal error: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_GUEST_ERROR;
  }
}
