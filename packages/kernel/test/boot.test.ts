/** Boot and BootInfo (§11), sparse physical memory, configuration errors. */
import {
  decodeBootInfo,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadVSpace,
  seL4_EndpointObject,
  seL4_NoError,
} from "@sel4/sel4";
import { describe, expect, it } from "vitest";
import { Kernel, KernelConfigError, PhysicalAddressError, PhysicalMemory } from "../src/index.js";
import { runRoot } from "./helpers.js";

describe("boot", () => {
  it.each(["aarch64", "x86_64"] as const)(
    "%s: BootInfo layout, initial caps, untypeds",
    async (arch) => {
      let bootInfoVaddrReg = 0n;
      const tags: number[] = [];
      const kernel = await runRoot({ arch }, async (sel4, bi) => {
        for (let s = 0; s < 16; s++) tags.push(sel4.seL4_DebugCapIdentify(s));
        // The BootInfo frame is mapped right after the IPC buffer.
        expect(bi.ipcBuffer).toBe(0x40_1000);
        if (sel4.config === "aarch64") {
          const r = sel4.seL4_ARM_Page_GetAddress(9);
          bootInfoVaddrReg = BigInt(r.paddr);
        } else {
          bootInfoVaddrReg = BigInt(sel4.seL4_X86_Page_GetAddress(9).paddr);
        }
        expect(sel4.seL4_DebugCapIdentify(bi.empty.start)).toBe(0);
        expect(sel4.seL4_DebugCapIdentify(bi.untyped.start)).toBe(2);
        expect(sel4.seL4_DebugCapIdentify(bi.userImageFrames.start)).toBe(1);
      });
      const expected =
        arch === "aarch64"
          ? [0, 12, 10, 9, 14, 11, 13, 0, 0, 1, 1, 20, 0, 0, 0, 0]
          : [0, 12, 10, 9, 14, 11, 13, 31, 0, 1, 1, 20, 0, 0, 0, 0];
      expect(tags).toEqual(expected);
      const frame = kernel.readPhysical(Number(bootInfoVaddrReg), 4096);
      const bi = decodeBootInfo(frame)!;
      expect(bi.numNodes).toBe(1);
      expect(bi.initThreadCNodeSizeBits).toBe(12);
      expect(bi.numIOPTLevels).toBe(arch === "aarch64" ? 0n : (1n << 64n) - 1n);
      expect(bi.empty.end).toBe(4096);
      expect(bi.userImagePaging.end - bi.userImagePaging.start).toBe(arch === "aarch64" ? 2 : 3);
      // Device untypeds first, then RAM; every untyped naturally aligned; RAM totals RAM minus the kernel's part.
      const firstRam = bi.untypedList.findIndex((u) => u.isDevice === 0);
      expect(bi.untypedList.slice(firstRam).every((u) => u.isDevice === 0)).toBe(true);
      for (const u of bi.untypedList) expect(u.paddr % 2 ** u.sizeBits).toBe(0);
      const ram = bi.untypedList
        .filter((u) => u.isDevice === 0)
        .reduce((a, u) => a + 2 ** u.sizeBits, 0);
      expect(ram).toBe(64 * 2 ** 20 - 2 * 2 ** 20);
      const ramBase = arch === "aarch64" ? 0x4000_0000 : 0x10_0000;
      expect(bi.untypedList[firstRam]!.paddr).toBe(ramBase + 0x20_0000);
      if (arch === "aarch64") {
        // The PL011 UART page is in a device untyped; the GIC distributor is not.
        const covers = (p: number) =>
          bi.untypedList.some((u) => u.isDevice && p >= u.paddr && p < u.paddr + 2 ** u.sizeBits);
        expect(covers(0x0900_0000)).toBe(true);
        expect(covers(0x0800_0000)).toBe(false);
        expect(covers(0x0804_0000)).toBe(true);
      }
    },
  );

  it("a machine with gigabytes of RAM boots instantly and touches no memory until used", async () => {
    const kernel = new Kernel({ arch: "aarch64", ramSize: 16 * 2 ** 30, cores: 4 });
    let free = 0;
    const bi = await kernel.run(async (sel4, b) => {
      free = b.empty.start;
      const big = b.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 33);
      expect(
        sel4.seL4_Untyped_Retype(
          b.untyped.start + big,
          seL4_EndpointObject,
          0,
          seL4_CapInitThreadCNode,
          0,
          0,
          free,
          1,
        ),
      ).toBe(seL4_NoError);
    });
    expect(bi.numNodes).toBe(4);
    expect(kernel.memory.residentPages).toBeLessThan(8);
  });

  it("rejects impossible configurations with a typed error", () => {
    expect(() => new Kernel({ arch: "aarch64", ramSize: 3 })).toThrow(KernelConfigError);
    expect(() => new Kernel({ arch: "x86_64", cores: 0 })).toThrow(KernelConfigError);
    expect(() => new Kernel({ arch: "riscv" as never })).toThrow(KernelConfigError);
    const k = new Kernel({ arch: "aarch64", ramSize: 4 * 2 ** 20 });
    k.start(async () => {});
    expect(() => k.start(async () => {})).toThrow(KernelConfigError);
  });

  it("root task exceptions are recorded and stop the thread", async () => {
    const kernel = new Kernel({ arch: "x86_64", ramSize: 4 * 2 ** 20 });
    await kernel.run(async () => {
      throw new Error("boom");
    });
    expect(String(kernel.threadErrors[0]!.error)).toContain("boom");
    expect(kernel.checkInvariants()).toEqual([]);
  });

  it("a port used outside its thread's turn throws ThreadNotRunningError", async () => {
    let leaked: (() => void) | null = null;
    const kernel = new Kernel({ arch: "aarch64", ramSize: 4 * 2 ** 20 });
    await kernel.run(async (sel4) => {
      leaked = () => sel4.seL4_GetMR(0);
    });
    expect(() => leaked!()).toThrow(/not running/);
    expect(seL4_CapInitThreadVSpace).toBe(3);
  });
});

describe("PhysicalMemory", () => {
  it("reads zeros, allocates pages on write, zero() releases whole pages, bounds are checked", () => {
    const m = new PhysicalMemory([{ base: 0x1000, size: 0x10000 }]);
    expect([...m.read(0x1ffe, 4)]).toEqual([0, 0, 0, 0]);
    m.write(0x1ffe, new Uint8Array([1, 2, 3, 4]));
    expect(m.residentPages).toBe(2);
    expect([...m.read(0x1ffe, 4)]).toEqual([1, 2, 3, 4]);
    m.writeWord(0x3000, 0xffff_ffff_ffff_ffffn);
    expect(m.readWord(0x3000)).toBe(0xffff_ffff_ffff_ffffn);
    m.writeWord(0x3ffc, 0x1122_3344_5566_7788n);
    expect(m.readWord(0x3ffc)).toBe(0x1122_3344_5566_7788n);
    m.zero(0x1000, 0x10000);
    expect(m.residentPages).toBe(0);
    expect(() => m.read(0x11000, 1)).toThrow(PhysicalAddressError);
    expect(() => m.write(-1, new Uint8Array(1))).toThrow(PhysicalAddressError);
    expect(m.contains(0.5, 1)).toBe(false);
  });
});

describe("PhysicalMemory contiguous spans", () => {
  it("bytes written straight into a span are read back and zeroed like any page", () => {
    const m = new PhysicalMemory([{ base: 0x10_0000, size: 0x10_0000 }]);
    m.write(0x10_0000, new Uint8Array([7]));
    const span = m.contiguous(0x10_0000, 0x8000);
    expect(span[0]).toBe(7);
    span[0x5000] = 9; // a page never written through the memory API
    span[0x5008] = 1;
    expect([...m.read(0x10_5000, 1)]).toEqual([9]);
    expect(m.readWord(0x10_5008)).toBe(1n);
    m.zero(0x10_0000, 0x10_0000);
    expect(span[0]).toBe(0);
    expect(span[0x5000]).toBe(0);
    expect([...m.read(0x10_5000, 1)]).toEqual([0]);
  });
});
