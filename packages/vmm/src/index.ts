/**
 * `@sel4/vmm`: the `sel4-vmm` command, the composition root of the project. It boots the seL4
 * kernel model, runs a VMM built on `@sel4/vm` and `@sel4/vm-arm` (with allocman) as the root task,
 * and connects an AArch64 guest on a QEMU-virt-compatible machine (or, with `--arch x86`, a
 * Multiboot guest on a PC machine through `@sel4/vm-x86`) to the terminal. The library
 * entry exposes the command as a function and its parts for embedding and tests.
 *
 * @packageDocumentation
 */
export {
  type Command,
  DEFAULT_MEMORY,
  MAX_SMP,
  type PaceMode,
  parseCommandLine,
  type RunOptions,
  USAGE,
} from "./cli/args.js";
export { formatStats, sel4_vmm_main } from "./cli/main.js";
export { parseMemorySize } from "./cli/size.js";
export {
  BadFileError,
  EXIT_BAD_FILE,
  EXIT_GUARD,
  EXIT_GUEST_ERROR,
  EXIT_POWEROFF,
  EXIT_STALLED,
  EXIT_USAGE,
  UsageError,
} from "./cli/usage-error.js";
export { ESCAPE_CHAR, EscapeFilter, type EscapeResult } from "./console/escape.js";
export { type ConsoleEvents, type ConsoleStreams, HostConsole } from "./console/host-console.js";
export { classifyExit, ExitCounter, formatExit, type VmExit, type VmExitKind } from "./exits.js";
export {
  HOST_TURN_MS,
  hostRamSize,
  PACE_SLACK_MS,
  planRun,
  type RunIo,
  type RunResult,
  type RunStats,
  runGuest,
} from "./run.js";
export {
  PC_DEBUG_EXIT_PORT,
  PC_DEFAULT_RTC,
  PC_SERIAL_BASE,
  PC_SERIAL_IRQ,
  type PcMachineConfig,
  type PcMachineOutcome,
  pcVmmRootTask,
} from "./x86/pc-machine.js";
export { loadMultibootElf, multibootCmdline, runX86Guest } from "./x86/run-x86.js";
