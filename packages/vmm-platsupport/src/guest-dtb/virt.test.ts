// Our virt guest tree against the one QEMU builds for -M virt,gic-version=2 -cpu cortex-a53: the
// nodes and properties a Linux guest reads must match.
import { describe, expect, it } from "vitest";
import { GuestConfigError } from "../errors.js";
import {
  fdtGetCells,
  fdtGetString,
  fdtGetStrings,
  fdtGetU32,
  fdtGetU32Array,
} from "../fdt/property.js";
import { readFdt } from "../fdt/reader.js";
import { fdtFindByPhandle, fdtFindNode, fdtGetProperty } from "../fdt/tree.js";
import type { FdtNode } from "../fdt/types.js";
import { dtcDecompile, dtcWarnings } from "../testing/dtc.js";
import { qemuVirtDtb } from "../testing/qemu.js";
import { VIRT_RAM_BASE, type VirtGuestOptions, virtGuestDtb, virtGuestFdt } from "./virt.js";

const MiB = 2 ** 20;

function node(root: FdtNode, path: string): FdtNode {
  const found = fdtFindNode(root, path);
  if (found === null) throw new Error(`no ${path}`);
  return found;
}

function value(n: FdtNode, name: string): number[] {
  const property = fdtGetProperty(n, name);
  if (property === null) throw new Error(`no ${name} in ${n.name}`);
  return [...property.value];
}

/** Properties whose raw bytes must be identical in both trees, by node path. */
const SAME_BYTES: Record<string, string[]> = {
  "/": ["#address-cells", "#size-cells", "compatible", "model"],
  "/memory@40000000": ["reg", "device_type"],
  "/cpus": ["#address-cells", "#size-cells"],
  "/psci": ["compatible", "method", "cpu_on", "cpu_off", "cpu_suspend", "migrate"],
  "/intc@8000000": ["compatible", "reg", "#interrupt-cells", "interrupt-controller"],
  "/timer": ["compatible", "interrupts", "always-on"],
  "/pl011@9000000": ["compatible", "reg", "interrupts", "clock-names"],
  "/chosen": ["stdout-path"],
};

function compareWithQemu(options: VirtGuestOptions, qemuBlob: Uint8Array): void {
  const ours = readFdt(virtGuestDtb(options)).root;
  const qemu = readFdt(qemuBlob).root;
  for (const [path, names] of Object.entries(SAME_BYTES)) {
    for (const name of names) {
      expect(value(node(ours, path), name), `${path} ${name}`).toEqual(
        value(node(qemu, path), name),
      );
    }
  }
  // cpus: the same cpu@N nodes with the same properties.
  const cpuNames = (root: FdtNode) =>
    node(root, "/cpus")
      .children.filter((c) => c.name.startsWith("cpu@"))
      .map((c) => c.name);
  expect(cpuNames(ours)).toEqual([...cpuNames(qemu)].sort());
  for (const name of cpuNames(ours)) {
    for (const property of [
      "device_type",
      "compatible",
      "reg",
      ...(options.num_vcpus > 1 ? ["enable-method"] : []),
    ]) {
      expect(value(node(ours, `/cpus/${name}`), property), `${name} ${property}`).toEqual(
        value(node(qemu, `/cpus/${name}`), property),
      );
    }
  }
  if (options.num_vcpus === 1)
    expect(fdtGetProperty(node(ours, "/cpus/cpu@0"), "enable-method")).toBeNull();
  // Phandle references land on equivalent nodes: the root's interrupt parent is the GIC, the
  // UART's clocks are 24 MHz fixed clocks.
  for (const root of [ours, qemu]) {
    const parent = fdtFindByPhandle(root, fdtGetU32(fdtGetProperty(root, "interrupt-parent")!));
    expect(parent?.name).toBe("intc@8000000");
    const clocks = fdtGetU32Array(fdtGetProperty(node(root, "/pl011@9000000"), "clocks")!);
    expect(clocks).toHaveLength(2);
    for (const phandle of clocks) {
      const clock = fdtFindByPhandle(root, phandle)!;
      expect(fdtGetString(fdtGetProperty(clock, "compatible")!)).toBe("fixed-clock");
      expect(fdtGetU32(fdtGetProperty(clock, "clock-frequency")!)).toBe(24_000_000);
      expect(fdtGetU32(fdtGetProperty(clock, "#clock-cells")!)).toBe(0);
    }
  }
}

describe("virt guest tree matches QEMU's", () => {
  for (const [smp, memMiB] of [
    [1, 128],
    [2, 256],
    [4, 1024],
    [8, 4096],
  ] as const) {
    it(`with ${smp} CPUs and ${memMiB} MiB`, () => {
      compareWithQemu({ num_vcpus: smp, ram_size: memMiB * MiB }, qemuVirtDtb({ smp, memMiB }));
    });
  }

  it("in /chosen with a command line and an initrd", () => {
    const qemu = readFdt(
      qemuVirtDtb({ smp: 2, memMiB: 128, append: "console=ttyAMA0 earlycon", initrdBytes: 10_000 }),
    ).root;
    const qemuChosen = node(qemu, "/chosen");
    const cells = (n: FdtNode, name: string) => {
      const property = fdtGetProperty(n, name)!;
      return fdtGetCells(property, [property.value.length / 4])[0];
    };
    const initrd = {
      start: Number(cells(qemuChosen, "linux,initrd-start")),
      end: Number(cells(qemuChosen, "linux,initrd-end")),
    };
    expect(initrd.end - initrd.start).toBe(10_000);
    const ours = readFdt(
      virtGuestDtb({
        num_vcpus: 2,
        ram_size: 128 * MiB,
        bootargs: "console=ttyAMA0 earlycon",
        initrd,
      }),
    ).root;
    const chosen = node(ours, "/chosen");
    expect(fdtGetString(fdtGetProperty(chosen, "bootargs")!)).toBe(
      fdtGetString(fdtGetProperty(qemuChosen, "bootargs")!),
    );
    expect(cells(chosen, "linux,initrd-start")).toBe(cells(qemuChosen, "linux,initrd-start"));
    expect(cells(chosen, "linux,initrd-end")).toBe(cells(qemuChosen, "linux,initrd-end"));
  });
});

describe("virtGuestFdt", () => {
  it("decompiles with dtc to the documented machine", () => {
    const dts = dtcDecompile(
      virtGuestDtb({
        num_vcpus: 2,
        ram_size: 256 * MiB,
        bootargs: "console=ttyAMA0",
        psci_method: "smc",
      }),
    );
    expect(dts).toContain('method = "smc";');
    expect(dts).toContain("reg = <0x00 0x40000000 0x00 0x10000000>;");
    expect(dts).toContain('bootargs = "console=ttyAMA0";');
    expect(dts).toContain("cpu@1 {");
  });

  it("passes dtc's checks without a warning", () => {
    for (const num_vcpus of [1, 2, 8]) {
      const options = {
        num_vcpus,
        ram_size: 64 * MiB,
        bootargs: "x",
        initrd: { start: VIRT_RAM_BASE, end: VIRT_RAM_BASE + 1 },
      };
      expect(dtcWarnings(virtGuestDtb(options))).toBe("");
    }
  });

  it("lists PSCI 0.2 alone when asked", () => {
    const psci = node(
      virtGuestFdt({ num_vcpus: 1, ram_size: MiB, psci_version: "0.2" }).root,
      "/psci",
    );
    expect(fdtGetStrings(fdtGetProperty(psci, "compatible")!)).toEqual([
      "arm,psci-0.2",
      "arm,psci",
    ]);
  });

  it("omits bootargs, initrd and kaslr-seed unless given, and writes 64-bit initrd addresses", () => {
    const plain = node(virtGuestFdt({ num_vcpus: 1, ram_size: MiB }).root, "/chosen");
    expect(plain.properties.map((p) => p.name)).toEqual(["stdout-path"]);
    const ramSize = 8 * 2 ** 30;
    const high = { start: VIRT_RAM_BASE + ramSize - 0x2000, end: VIRT_RAM_BASE + ramSize };
    const chosen = node(
      virtGuestFdt({ num_vcpus: 1, ram_size: ramSize, initrd: high, kaslr_seed: 5n }).root,
      "/chosen",
    );
    expect(fdtGetCells(fdtGetProperty(chosen, "linux,initrd-start")!, [2])).toEqual([
      BigInt(high.start),
    ]);
    expect(fdtGetCells(fdtGetProperty(chosen, "linux,initrd-end")!, [2])).toEqual([
      BigInt(high.end),
    ]);
    expect(fdtGetCells(fdtGetProperty(chosen, "kaslr-seed")!, [2])).toEqual([5n]);
  });

  it("uses the given cpu compatible", () => {
    const cpu = node(
      virtGuestFdt({ num_vcpus: 1, ram_size: MiB, cpu_compatible: "arm,cortex-a57" }).root,
      "/cpus/cpu@0",
    );
    expect(fdtGetString(fdtGetProperty(cpu, "compatible")!)).toBe("arm,cortex-a57");
  });

  it.each<[string, VirtGuestOptions]>([
    ["no CPUs", { num_vcpus: 0, ram_size: MiB }],
    ["9 CPUs on GICv2", { num_vcpus: 9, ram_size: MiB }],
    ["fractional CPUs", { num_vcpus: 1.5, ram_size: MiB }],
    ["no RAM", { num_vcpus: 1, ram_size: 0 }],
    ["RAM not in pages", { num_vcpus: 1, ram_size: MiB + 1 }],
    ["RAM above 255 GiB", { num_vcpus: 1, ram_size: 256 * 2 ** 30 }],
    ["an initrd below RAM", { num_vcpus: 1, ram_size: MiB, initrd: { start: 0, end: 10 } }],
    [
      "an initrd past RAM",
      {
        num_vcpus: 1,
        ram_size: MiB,
        initrd: { start: VIRT_RAM_BASE, end: VIRT_RAM_BASE + MiB + 1 },
      },
    ],
    [
      "an initrd ending before it starts",
      { num_vcpus: 1, ram_size: MiB, initrd: { start: VIRT_RAM_BASE + 8, end: VIRT_RAM_BASE } },
    ],
  ])("rejects %s with GuestConfigError", (_, options) => {
    expect(() => virtGuestFdt(options)).toThrow(GuestConfigError);
  });
});
