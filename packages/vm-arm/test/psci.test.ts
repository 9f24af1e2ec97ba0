import { describe, expect, it } from "vitest";
import {
  handle_psci,
  PSCI_ALREADY_ON,
  PSCI_INVALID_PARAMETERS,
  PSCI_NOT_SUPPORTED,
  type PsciPlatform,
  smc_call_is_32,
  smc_call_is_atomic,
  smc_get_call,
  smc_get_function_number,
} from "../src/index.js";

/** A platform of `n` CPUs whose power state is a plain array, recording what PSCI asked. */
function platform(n: number) {
  const on = new Array<boolean>(n).fill(false);
  on[0] = true;
  const log: string[] = [];
  const p: PsciPlatform = {
    cpu_state: (t) => (t < BigInt(n) ? (on[Number(t)] ? "on" : "off") : null),
    cpu_on: (t, entry, ctx) => {
      on[Number(t)] = true;
      log.push(`on ${t} ${entry.toString(16)} ${ctx}`);
      return 0;
    },
    cpu_off: () => {
      log.push("off");
      return 0;
    },
    system_off: () => log.push("system_off"),
    system_reset: () => log.push("system_reset"),
  };
  return { p, on, log };
}

const M = (1n << 64n) - 1n;
const r = (x0: number) => ({ kind: "return", x0: BigInt(x0) & M });

describe("PSCI", () => {
  it("VERSION 1.0, MIGRATE_INFO_TYPE 2, FEATURES of implemented and unknown calls", () => {
    const { p } = platform(2);
    expect(handle_psci(p, 0x8400_0000, 0n, 0n, 0n)).toEqual(r(0x10000));
    expect(handle_psci(p, 0x8400_0006, 0n, 0n, 0n)).toEqual(r(2));
    for (const fid of [
      0x8400_0000, 0x8400_0002, 0x8400_0003, 0xc400_0003, 0xc400_0004, 0x8400_0008, 0x8400_0009,
      0x8400_000a,
    ]) {
      expect(handle_psci(p, 0x8400_000a, BigInt(fid), 0n, 0n)).toEqual(r(0));
    }
    for (const fid of [0x8400_0001, 0xc400_0001, 0x8400_0005, 0x8000_0000, 0xc400_0000, 0x1234]) {
      expect(handle_psci(p, 0x8400_000a, BigInt(fid), 0n, 0n)).toEqual(r(PSCI_NOT_SUPPORTED));
    }
  });

  it("unknown PSCI functions answer NOT_SUPPORTED instead of killing the VM (C bug A8)", () => {
    const { p } = platform(1);
    expect(handle_psci(p, 0xc400_0001, 0n, 0n, 0n)).toEqual(r(PSCI_NOT_SUPPORTED));
    expect(handle_psci(p, 0x8400_0012, 0n, 0n, 0n)).toEqual(r(PSCI_NOT_SUPPORTED));
    expect(handle_psci(p, 0x8600_0000, 0n, 0n, 0n)).toEqual({ kind: "not_psci" });
    expect(handle_psci(p, 0x8400_0020, 0n, 0n, 0n)).toEqual({ kind: "not_psci" });
  });

  it("CPU_ON starts an off CPU once, refuses unknown ones; 32-bit calls truncate arguments", () => {
    const { p, log } = platform(2);
    expect(handle_psci(p, 0xc400_0003, 1n, 0x4008_0000n, 7n)).toEqual(r(0));
    expect(handle_psci(p, 0xc400_0003, 1n, 0x4008_0000n, 7n)).toEqual(r(PSCI_ALREADY_ON));
    expect(handle_psci(p, 0xc400_0003, 2n, 0n, 0n)).toEqual(r(PSCI_INVALID_PARAMETERS));
    expect(handle_psci(p, 0xc400_0003, 1n << 24n, 0n, 0n)).toEqual(r(PSCI_INVALID_PARAMETERS));
    expect(log).toEqual(["on 1 40080000 7"]);
    const q = platform(2);
    expect(handle_psci(q.p, 0x8400_0003, (1n << 32n) | 1n, 0x1_4008_0000n, 0x1_0000_0003n)).toEqual(
      r(0),
    );
    expect(q.log).toEqual(["on 1 40080000 3"]);
  });

  it("AFFINITY_INFO reports on/off, only at level 0", () => {
    const { p } = platform(2);
    expect(handle_psci(p, 0xc400_0004, 0n, 0n, 0n)).toEqual(r(0));
    expect(handle_psci(p, 0xc400_0004, 1n, 0n, 0n)).toEqual(r(1));
    expect(handle_psci(p, 0xc400_0004, 1n, 1n, 0n)).toEqual(r(PSCI_INVALID_PARAMETERS));
    expect(handle_psci(p, 0xc400_0004, 5n, 0n, 0n)).toEqual(r(PSCI_INVALID_PARAMETERS));
  });

  it("CPU_OFF, SYSTEM_OFF and SYSTEM_RESET do not return to the caller", () => {
    const { p, log } = platform(1);
    expect(handle_psci(p, 0x8400_0002, 0n, 0n, 0n)).toEqual({ kind: "no_return" });
    expect(handle_psci(p, 0x8400_0008, 0n, 0n, 0n)).toEqual({ kind: "no_return" });
    expect(handle_psci(p, 0x8400_0009, 0n, 0n, 0n)).toEqual({ kind: "no_return" });
    expect(log).toEqual(["off", "system_off", "system_reset"]);
    const denied = { ...p, cpu_off: () => -3 };
    expect(handle_psci(denied, 0x8400_0002, 0n, 0n, 0n)).toEqual(r(-3));
  });

  it("SMCCC function-id fields, 32/64-bit by bit 30 (C tested bit 31)", () => {
    expect(smc_call_is_32(0x8400_0003)).toBe(true);
    expect(smc_call_is_32(0xc400_0003)).toBe(false);
    expect(smc_call_is_atomic(0x0400_0003)).toBe(false);
    expect(smc_get_call(0xc400_0003)).toBe(4);
    expect(smc_get_call(0x8600_0001)).toBe(6);
    expect(smc_get_function_number(0xc400_0003)).toBe(3);
  });
});
