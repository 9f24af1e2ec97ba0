/**
 * PSCI (Power State Coordination Interface) emulation, reached over SMC or HVC: VERSION,
 * FEATURES, CPU_ON, CPU_OFF, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF and SYSTEM_RESET.
 * libsel4vmmplatsupport's version had no HVC conduit, no CPU_OFF/AFFINITY_INFO/SYSTEM_OFF, a
 * SYSTEM_RESET that did nothing and killed the VM on anything else (C bug A8).
 */
import { SMC_SERVICE_STANDARD, smc_get_call, smc_get_function_number } from "./smc.js";

/** `PSCI_VERSION` function number. */
export const PSCI_VERSION = 0x0;
/** `PSCI_CPU_SUSPEND`. */
export const PSCI_CPU_SUSPEND = 0x1;
/** `PSCI_CPU_OFF`. */
export const PSCI_CPU_OFF = 0x2;
/** `PSCI_CPU_ON`. */
export const PSCI_CPU_ON = 0x3;
/** `PSCI_AFFINITY_INFO`. */
export const PSCI_AFFINITY_INFO = 0x4;
/** `PSCI_MIGRATE`. */
export const PSCI_MIGRATE = 0x5;
/** `PSCI_MIGRATE_INFO_TYPE`. */
export const PSCI_MIGRATE_INFO_TYPE = 0x6;
/** `PSCI_MIGRATE_INFO_UP_CPU`. */
export const PSCI_MIGRATE_INFO_UP_CPU = 0x7;
/** `PSCI_SYSTEM_OFF`. */
export const PSCI_SYSTEM_OFF = 0x8;
/** `PSCI_SYSTEM_RESET`. */
export const PSCI_SYSTEM_RESET = 0x9;
/** `PSCI_FEATURES`. */
export const PSCI_FEATURES = 0xa;
/** Largest function number of the PSCI range (`PSCI_MAX`). */
export const PSCI_MAX = 0x1f;

/** PSCI return code: success. */
export const PSCI_SUCCESS = 0;
/** PSCI return code: not supported. */
export const PSCI_NOT_SUPPORTED = -1;
/** PSCI return code: invalid parameters. */
export const PSCI_INVALID_PARAMETERS = -2;
/** PSCI return code: denied. */
export const PSCI_DENIED = -3;
/** PSCI return code: already on. */
export const PSCI_ALREADY_ON = -4;
/** PSCI return code: on pending. */
export const PSCI_ON_PENDING = -5;
/** PSCI return code: internal failure. */
export const PSCI_INTERNAL_FAILURE = -6;
/** PSCI return code: not present. */
export const PSCI_NOT_PRESENT = -7;
/** PSCI return code: disabled. */
export const PSCI_DISABLED = -8;
/** PSCI return code: invalid address. */
export const PSCI_INVALID_ADDRESS = -9;

/** The version this emulation reports: 1.0. */
export const PSCI_VERSION_1_0 = 0x0001_0000;

/** AFFINITY_INFO answers. */
export const PSCI_AFFINITY_ON = 0;
/** The CPU is off. */
export const PSCI_AFFINITY_OFF = 1;
/** The CPU is being turned on. */
export const PSCI_AFFINITY_ON_PENDING = 2;

/** What PSCI needs from the VM: the power state of its CPUs. */
export interface PsciPlatform {
  /** Power state of guest CPU `target` (its MPIDR affinity): null if there is no such CPU. */
  cpu_state(target: bigint): "on" | "off" | null;
  /** Starts guest CPU `target` at `entry` with x0 = `context_id`; a PSCI return code. */
  cpu_on(target: bigint, entry: bigint, context_id: bigint): number;
  /** Stops the calling CPU; a PSCI return code (only on failure). */
  cpu_off(): number;
  /** Powers the system off. */
  system_off(): void;
  /** Resets the system. */
  system_reset(): void;
}

/** The outcome of a PSCI call. */
export type PsciResult =
  | { readonly kind: "return"; readonly x0: bigint }
  | { readonly kind: "no_return" }
  | { readonly kind: "not_psci" };

const MASK64 = (1n << 64n) - 1n;

function ret(code: number): PsciResult {
  return { kind: "return", x0: BigInt(code) & MASK64 };
}

/** MPIDR affinity fields (Aff3 in bits 39:32, Aff2..Aff0 in 23:0); anything else is invalid. */
const AFFINITY_MASK = 0xff_00ff_ffffn;

/** Function ids this emulation implements, as FEATURES reports them. */
function implemented(fid: number): boolean {
  if (smc_get_call(fid) !== SMC_SERVICE_STANDARD || ((fid >>> 16) & 0xff) !== 0) return false;
  if ((fid & 0x8000_0000) === 0) return false;
  const fn = smc_get_function_number(fid);
  const is64 = (fid & 0x4000_0000) !== 0;
  switch (fn) {
    case PSCI_CPU_ON:
    case PSCI_AFFINITY_INFO:
      return true;
    case PSCI_VERSION:
    case PSCI_CPU_OFF:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
      return !is64;
    default:
      return false;
  }
}

/**
 * Handles a PSCI call with function id `fid` (x0) and arguments x1..x3 (`handle_psci`). Calls
 * that are not PSCI answer `not_psci`; unknown PSCI functions answer NOT_SUPPORTED.
 */
export function handle_psci(
  platform: PsciPlatform,
  fid: number,
  x1: bigint,
  x2: bigint,
  x3: bigint,
): PsciResult {
  const id = fid >>> 0;
  if (smc_get_call(id) !== SMC_SERVICE_STANDARD || smc_get_function_number(id) > PSCI_MAX) {
    return { kind: "not_psci" };
  }
  if (!implemented(id)) return ret(PSCI_NOT_SUPPORTED);
  const is32 = (id & 0x4000_0000) === 0;
  const arg = (v: bigint) => (is32 ? v & 0xffff_ffffn : v & MASK64);
  switch (smc_get_function_number(id)) {
    case PSCI_VERSION:
      return ret(PSCI_VERSION_1_0);
    case PSCI_FEATURES:
      return ret(implemented(Number(x1 & 0xffff_ffffn)) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED);
    case PSCI_MIGRATE_INFO_TYPE:
      return ret(2); // no trusted OS: migration not required
    case PSCI_CPU_ON: {
      const target = arg(x1);
      if ((target & ~AFFINITY_MASK) !== 0n) return ret(PSCI_INVALID_PARAMETERS);
      const state = platform.cpu_state(target);
      if (state === null) return ret(PSCI_INVALID_PARAMETERS);
      if (state === "on") return ret(PSCI_ALREADY_ON);
      return ret(platform.cpu_on(target, arg(x2), arg(x3)));
    }
    case PSCI_AFFINITY_INFO: {
      const target = arg(x1);
      if (arg(x2) !== 0n || (target & ~AFFINITY_MASK) !== 0n) return ret(PSCI_INVALID_PARAMETERS);
      const state = platform.cpu_state(target);
      if (state === null) return ret(PSCI_INVALID_PARAMETERS);
      return ret(state === "on" ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF);
    }
    case PSCI_CPU_OFF: {
      const err = platform.cpu_off();
      return err === PSCI_SUCCESS ? { kind: "no_return" } : ret(err);
    }
    case PSCI_SYSTEM_OFF:
      platform.system_off();
      return { kind: "no_return" };
    default:
      platform.system_reset();
      return { kind: "no_return" };
  }
}
