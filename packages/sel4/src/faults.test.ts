import { describe, expect, it } from "vitest";
import { capTags } from "./cap-tags.js";
import {
  seL4_CapFault_GuardMismatch_BitsFound,
  seL4_FaultType,
  seL4_UnknownSyscall_Msg,
  seL4_UserException_Msg,
  seL4_VMFault_Length,
} from "./faults.js";

/** The values of a layout, in order, must be 0..Length-1 with Length last. */
function expectGapFree(layout: Readonly<Record<string, number>>, length: number): void {
  const values = Object.values(layout);
  expect(values).toEqual(Array.from({ length: length + 1 }, (_, i) => i));
}

describe("fault layouts", () => {
  it("UnknownSyscall has 13 words on AArch64 (x0..x7, FaultIP, SP, LR, SPSR, Syscall) and 19 on x86_64", () => {
    expectGapFree(seL4_UnknownSyscall_Msg.aarch64, 13);
    expectGapFree(seL4_UnknownSyscall_Msg.x86_64, 19);
    expect(seL4_UnknownSyscall_Msg.aarch64.seL4_UnknownSyscall_Syscall).toBe(12);
    expect(seL4_UnknownSyscall_Msg.x86_64.seL4_UnknownSyscall_FaultIP).toBe(15);
  });

  it("UserException has 5 words on both", () => {
    expectGapFree(seL4_UserException_Msg.aarch64, 5);
    expectGapFree(seL4_UserException_Msg.x86_64, 5);
  });

  it("VMFault has 4 words and CapFault up to 7", () => {
    expect(seL4_VMFault_Length).toBe(4);
    expect(seL4_CapFault_GuardMismatch_BitsFound + 1).toBe(7);
  });

  it("labels the ARM hypervisor faults 6..8, which x86 does not have", () => {
    expect(Object.values(seL4_FaultType.aarch64)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Object.values(seL4_FaultType.x86_64)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("cap tags", () => {
  it("are distinct per configuration, generic even and architecture odd", () => {
    for (const tags of [capTags.aarch64, capTags.x86_64]) {
      const values = Object.values(tags);
      expect(new Set(values).size).toBe(values.length);
      expect(tags.cap_domain_cap).toBe(20);
      expect(tags.cap_frame_cap).toBe(1);
    }
    expect(capTags.x86_64.cap_io_port_control_cap).toBe(31);
    expect(capTags.aarch64.cap_vcpu_cap).toBe(15);
  });
});
