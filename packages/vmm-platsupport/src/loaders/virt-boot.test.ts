import { describe, expect, it } from "vitest";
import { FdtError, GuestConfigError, GuestImageError } from "../errors.js";
import { fdtGetCells, fdtGetString } from "../fdt/property.js";
import { readFdt } from "../fdt/reader.js";
import { fdtFindNode, fdtGetProperty } from "../fdt/tree.js";
import type { FdtNode } from "../fdt/types.js";
import { dtcCompile } from "../testing/dtc.js";
import { buildElf } from "../testing/elf-builder.js";
import { buildArm64Image } from "../testing/image-builder.js";
import { buildWithToolchain } from "../testing/toolchain.js";
import { EM_AARCH64 } from "./elf.js";
import { guestRamRegionOf, rangesOverlap } from "./guest-ram.js";
import { planVirtBoot, type VirtBoot } from "./virt-boot.js";

const MiB = 2 ** 20;
const machine = { ram_size: 128 * MiB, num_vcpus: 2, bootargs: "console=ttyAMA0" };

function chosenOf(boot: VirtBoot): FdtNode {
  return fdtFindNode(readFdt(boot.dtb_blob).root, "/chosen")!;
}

function checkLayout(boot: VirtBoot): void {
  const ranges = boot.segments.map((s) => ({ start: s.paddr, end: s.paddr + s.memsz }));
  for (const [i, a] of ranges.entries()) {
    expect(guestRamRegionOf(boot.ram, a)).not.toBeNull();
    for (const b of ranges.slice(i + 1)) expect(rangesOverlap(a, b)).toBe(false);
  }
  expect(boot.registers.x0).toBe(BigInt(boot.dtb.start));
  expect(boot.dtb.start % 8).toBe(0);
}

describe("planVirtBoot", () => {
  it("boots an AArch64 ELF built by the toolchain with an initrd", () => {
    const elf = buildWithToolchain(
      "aarch64-linux-gnu-gcc",
      "aarch64-linux-gnu-readelf",
      ".global _start\n_start: b .\n",
      ["-Wl,-Ttext=0x40080000"],
    );
    const initrd = new Uint8Array(5000).fill(7);
    const boot = planVirtBoot({ kernel: elf.bytes, initrd, machine });
    expect(boot.kernel_format).toBe("elf");
    expect(boot.registers.pc).toBe(0x4008_0000n);
    checkLayout(boot);
    const chosen = chosenOf(boot);
    expect(fdtGetString(fdtGetProperty(chosen, "bootargs")!)).toBe("console=ttyAMA0");
    expect(fdtGetCells(fdtGetProperty(chosen, "linux,initrd-start")!, [2])).toEqual([
      BigInt(boot.initrd!.start),
    ]);
    expect(fdtGetCells(fdtGetProperty(chosen, "linux,initrd-end")!, [2])).toEqual([
      BigInt(boot.initrd!.end),
    ]);
    expect(boot.segments.find((s) => s.paddr === boot.initrd!.start)!.data).toBe(initrd);
  });

  it("boots a Linux arm64 Image at text_offset above the RAM base", () => {
    const image = buildArm64Image({ textOffset: 0x8_0000n, imageSize: BigInt(20 * MiB) });
    const boot = planVirtBoot({ kernel: image, initrd: new Uint8Array(MiB), machine });
    expect(boot.kernel_format).toBe("linux-arm64-image");
    expect(boot.registers).toMatchObject({ pc: 0x4008_0000n, x1: 0n, x2: 0n, x3: 0n });
    expect(boot.initrd!.start).toBe(0x4008_0000 + 20 * MiB);
    checkLayout(boot);
  });

  it("leaves /chosen without initrd properties when there is none", () => {
    const boot = planVirtBoot({ kernel: buildArm64Image(), machine });
    expect(boot.initrd).toBeNull();
    expect(fdtGetProperty(chosenOf(boot), "linux,initrd-start")).toBeNull();
    expect(boot.segments).toHaveLength(2);
  });

  it("rewrites /chosen of a supplied device tree and keeps the rest", () => {
    const dtb = dtcCompile(`/dts-v1/;
/ {
  #address-cells = <2>;
  #size-cells = <2>;
  model = "mine";
  chosen {
    bootargs = "old";
    linux,initrd-start = <0x0 0x50000000>;
    linux,initrd-end = <0x0 0x50001000>;
    stdout-path = "serial0";
  };
};
`);
    const withInitrd = planVirtBoot({
      kernel: buildArm64Image(),
      dtb,
      initrd: new Uint8Array(10),
      machine,
    });
    const root = readFdt(withInitrd.dtb_blob).root;
    expect(fdtGetString(fdtGetProperty(root, "model")!)).toBe("mine");
    const chosen = chosenOf(withInitrd);
    expect(fdtGetString(fdtGetProperty(chosen, "bootargs")!)).toBe("console=ttyAMA0");
    expect(fdtGetString(fdtGetProperty(chosen, "stdout-path")!)).toBe("serial0");
    expect(fdtGetCells(fdtGetProperty(chosen, "linux,initrd-start")!, [2])).toEqual([
      BigInt(withInitrd.initrd!.start),
    ]);

    const without = planVirtBoot({
      kernel: buildArm64Image(),
      dtb,
      machine: { ram_size: MiB * 64, num_vcpus: 1 },
    });
    const plain = chosenOf(without);
    expect(fdtGetString(fdtGetProperty(plain, "bootargs")!)).toBe("old");
    expect(fdtGetProperty(plain, "linux,initrd-start")).toBeNull();
  });

  it("adds /chosen to a supplied tree without one", () => {
    const dtb = dtcCompile('/dts-v1/;\n/ { model = "bare"; };\n');
    const boot = planVirtBoot({ kernel: buildArm64Image(), dtb, machine });
    expect(fdtGetString(fdtGetProperty(chosenOf(boot), "bootargs")!)).toBe("console=ttyAMA0");
  });

  it("reports what is wrong with clear typed errors", () => {
    expect(() => planVirtBoot({ kernel: new Uint8Array(100), machine })).toThrow(GuestImageError);
    expect(() => planVirtBoot({ kernel: new Uint8Array(100), machine })).toThrow(
      /neither an ELF file nor a Linux arm64 Image/,
    );
    const x86 = buildElf({
      elfClass: 2,
      machine: 62,
      entry: 0x4000_0000n,
      segments: [{ paddr: 0x4000_0000n, data: new Uint8Array(4) }],
    });
    expect(() => planVirtBoot({ kernel: x86, machine })).toThrow(
      expect.objectContaining({ code: "WRONG_MACHINE" }),
    );
    const outside = buildElf({
      elfClass: 2,
      machine: EM_AARCH64,
      entry: 0x1000n,
      segments: [{ paddr: 0x1000n, data: new Uint8Array(4) }],
    });
    expect(() => planVirtBoot({ kernel: outside, machine })).toThrow(
      expect.objectContaining({ code: "SEGMENT_OUTSIDE_RAM" }),
    );
    expect(() =>
      planVirtBoot({ kernel: buildArm64Image(), machine: { ...machine, num_vcpus: 0 } }),
    ).toThrow(GuestConfigError);
    expect(() =>
      planVirtBoot({ kernel: buildArm64Image(), dtb: new Uint8Array(8), machine }),
    ).toThrow(FdtError);
    expect(() =>
      planVirtBoot({ kernel: buildArm64Image(), initrd: new Uint8Array(200 * MiB), machine }),
    ).toThrow(expect.objectContaining({ code: "DOES_NOT_FIT" }));
  });
});
