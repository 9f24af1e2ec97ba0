/** The error a bad command line or a bad input file becomes: one line for the user. */

/** Exit status of a guest that powered off (PSCI SYSTEM_OFF or SYSTEM_RESET). */
export const EXIT_POWEROFF = 0;
/** Exit status of a guest error: an unhandled fault or another error that stopped the VM. */
export const EXIT_GUEST_ERROR = 1;
/** Exit status of a bad command line. */
export const EXIT_USAGE = 2;
/** Exit status of an input file that cannot be read or is not a valid image / device tree. */
export const EXIT_BAD_FILE = 3;
/** Exit status when the `--max-insns` guard stopped the guest. */
export const EXIT_GUARD = 4;
/** Exit status when the guest can no longer make progress (idle, with no input left to wake it). */
export const EXIT_STALLED = 5;

/** A problem with the command line, reported as one line and {@link EXIT_USAGE}. */
export class UsageError extends Error {
  /** @param message - what is wrong, in one line */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An input file that cannot be used, reported as one line and {@link EXIT_BAD_FILE}. */
export class BadFileError extends Error {
  /** @param message - what is wrong, in one line, naming the file */
  constructor(message: string) {
    super(message);
    this.name = "BadFileError";
  }
}
