// Throughput of the FDT writer/reader and the image loaders, with dtc (the C reference) on the
// same blob for comparison: dtc's figure includes starting a process, so it bounds, not matches.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bench, describe } from "vitest";
import {
  ELF_TARGET_AARCH64,
  loadElf,
  planVirtBoot,
  readFdt,
  virtGuestDtb,
  virtGuestFdt,
  writeFdt,
} from "../src/index.js";
import { buildElf } from "../src/testing/elf-builder.js";
import { buildArm64Image } from "../src/testing/image-builder.js";

const MiB = 2 ** 20;
const options = {
  num_vcpus: 8,
  ram_size: 1024 * MiB,
  bootargs: "console=ttyAMA0 earlycon=pl011,0x9000000",
};
const tree = virtGuestFdt(options);
const blob = writeFdt(tree);
const dir = mkdtempSync(join(tmpdir(), "vmm-platsupport-bench-"));
const blobFile = join(dir, "virt.dtb");
writeFileSync(blobFile, blob);

describe("device tree", () => {
  bench("virtGuestDtb (build + write, 8 CPUs)", () => {
    virtGuestDtb(options);
  });
  bench("writeFdt (virt tree)", () => {
    writeFdt(tree);
  });
  bench("readFdt (virt blob)", () => {
    readFdt(blob);
  });
  bench("dtc -I dtb -O dtb (same blob, process included)", () => {
    execFileSync("dtc", ["-q", "-I", "dtb", "-O", "dtb", blobFile]);
  });
});

const segments = Array.from({ length: 32 }, (_, i) => ({
  paddr: BigInt(0x4000_0000 + i * 0x10_0000),
  data: new Uint8Array(0x1000),
}));
const elf = buildElf({ elfClass: 2, machine: 183, entry: 0x4000_0000n, segments });
const image = buildArm64Image({ imageSize: BigInt(32 * MiB), bodyBytes: 16 * MiB });
const initrd = new Uint8Array(8 * MiB);

describe("loaders", () => {
  bench("loadElf (32 segments)", () => {
    loadElf(elf, ELF_TARGET_AARCH64, [{ base: 0x4000_0000, size: 256 * MiB }]);
  });
  bench("planVirtBoot (16 MiB Image + 8 MiB initrd + generated DTB)", () => {
    planVirtBoot({ kernel: image, initrd, machine: options });
  });
});
