import { describe, expect, it } from "vitest";
import { flatMachine, runToHlt } from "./testing/flat.js";
import { VmcsField as F } from "./vmcs.js";

describe("smoke", () => {
  it("adds in a loop", () => {
    // mov ecx, 10; xor eax, eax; l: add eax, ecx; loop l; hlt
    const m = flatMachine([0xb9, 10, 0, 0, 0, 0x31, 0xc0, 0x01, 0xc8, 0xe2, 0xfc, 0xf4]);
    runToHlt(m);
    expect(m.cpu.getRegister(0)).toBe(55);
    expect(m.cpu.readVmcs(F.GUEST_RIP)).toBe(0x100b);
  });
});
