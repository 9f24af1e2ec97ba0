/**
 * Everything needed to start an AArch64 guest on the virt machine, as one description: the
 * kernel (an AArch64 ELF at its physical addresses, or a Linux arm64 Image), the initrd, the
 * device tree (generated, or the user's with `/chosen` rewritten), where each goes in guest RAM,
 * and the primary vCPU's entry registers. The VMM copies the bytes and sets the registers.
 */
import { GuestImageError } from "../errors.js";
import { readFdt } from "../fdt/reader.js";
import { writeFdt } from "../fdt/writer.js";
import { fdtSetChosen } from "../guest-dtb/chosen.js";
import {
  checkVirtGuestOptions,
  VIRT_RAM_BASE,
  type VirtGuestOptions,
  virtGuestDtb,
} from "../guest-dtb/virt.js";
import { type Arm64BootRegisters, arm64BootRegisters } from "./arm64-boot.js";
import { placeDtb } from "./device-tree.js";
import { ELF_TARGET_AARCH64, loadElf } from "./elf.js";
import type { GuestLoadSegment, GuestPhysRange, GuestRamRegion } from "./guest-ram.js";
import { placeInitrd } from "./initrd.js";
import {
  ARM64_IMAGE_HEADER_SIZE,
  ARM64_IMAGE_MAGIC,
  loadLinuxArm64Image,
} from "./linux-arm64-image.js";

/** What to boot. */
export interface VirtBootRequest {
  /** The kernel file: an AArch64 ELF or a Linux arm64 Image. */
  readonly kernel: Uint8Array;
  /** The initrd file, if any. */
  readonly initrd?: Uint8Array;
  /** A device tree blob to use instead of the generated one (its `/chosen` is rewritten). */
  readonly dtb?: Uint8Array;
  /** The machine: RAM size, vCPUs, PSCI conduit, command line. */
  readonly machine: Omit<VirtGuestOptions, "initrd">;
}

/** The boot described: what goes where and how the primary vCPU starts. */
export interface VirtBoot {
  /** How the kernel file was recognised. */
  readonly kernel_format: "elf" | "linux-arm64-image";
  /** Guest RAM as the machine has it. */
  readonly ram: readonly GuestRamRegion[];
  /** The kernel's pieces, sorted by address. */
  readonly kernel_segments: readonly GuestLoadSegment[];
  /** Where the initrd goes, or null. */
  readonly initrd: GuestPhysRange | null;
  /** Where the device tree blob goes. */
  readonly dtb: GuestPhysRange;
  /** The device tree blob, as placed. */
  readonly dtb_blob: Uint8Array;
  /** Every piece to copy (kernel segments, initrd, device tree), sorted by address. */
  readonly segments: readonly GuestLoadSegment[];
  /** The primary vCPU's entry registers. */
  readonly registers: Arm64BootRegisters;
}

function isElf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x7f &&
    bytes[1] === 0x45 &&
    bytes[2] === 0x4c &&
    bytes[3] === 0x46
  );
}

function isArm64Image(bytes: Uint8Array): boolean {
  return (
    bytes.length >= ARM64_IMAGE_HEADER_SIZE &&
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(56, true) ===
      ARM64_IMAGE_MAGIC
  );
}

/**
 * Describes how to boot a kernel on the virt machine.
 * @param request - kernel, initrd, optional device tree, machine options
 * @returns the placement of every piece and the entry registers
 * @throws GuestImageError when the kernel is neither format or is malformed, or something does not fit
 * @throws GuestConfigError when the machine options are invalid
 * @throws FdtError when a supplied device tree is malformed
 */
export function planVirtBoot(request: VirtBootRequest): VirtBoot {
  const { kernel, machine } = request;
  checkVirtGuestOptions(machine);
  const ram = [{ base: VIRT_RAM_BASE, size: machine.ram_size }];

  let kernel_format: VirtBoot["kernel_format"];
  let kernel_segments: GuestLoadSegment[];
  let entry: bigint;
  if (isElf(kernel)) {
    const load = loadElf(kernel, ELF_TARGET_AARCH64, ram);
    kernel_format = "elf";
    kernel_segments = [...load.segments];
    entry = load.entry;
  } else if (isArm64Image(kernel)) {
    const load = loadLinuxArm64Image(kernel, ram);
    kernel_format = "linux-arm64-image";
    kernel_segments = [load.segment];
    entry = BigInt(load.entry);
  } else {
    throw new GuestImageError("BAD_MAGIC", "kernel is neither an ELF file nor a Linux arm64 Image");
  }
  const kernelRanges = kernel_segments.map((s) => ({ start: s.paddr, end: s.paddr + s.memsz }));
  const kernelSpan = {
    start: kernelRanges[0]!.start,
    end: Math.max(...kernelRanges.map((r) => r.end)),
  };

  const initrd =
    request.initrd === undefined
      ? null
      : placeInitrd(ram, { size: request.initrd.length, kernel: kernelSpan });
  const withInitrd = initrd === null ? {} : { initrd };
  const dtb_blob =
    request.dtb === undefined
      ? virtGuestDtb({ ...machine, ...withInitrd })
      : writeFdt(
          fdtSetChosen(readFdt(request.dtb), {
            ...withInitrd,
            ...(machine.bootargs === undefined ? {} : { bootargs: machine.bootargs }),
          }),
        );
  const dtb = placeDtb(ram, {
    size: dtb_blob.length,
    avoid: [...kernelRanges, ...(initrd === null ? [] : [initrd])],
  });

  const segments: GuestLoadSegment[] = [
    ...kernel_segments,
    { paddr: dtb.start, data: dtb_blob, memsz: dtb_blob.length },
  ];
  if (initrd !== null && request.initrd !== undefined)
    segments.push({ paddr: initrd.start, data: request.initrd, memsz: request.initrd.length });
  segments.sort((a, b) => a.paddr - b.paddr);
  return {
    kernel_format,
    ram,
    kernel_segments,
    initrd,
    dtb,
    dtb_blob,
    segments,
    registers: arm64BootRegisters(entry, dtb.start),
  };
}
