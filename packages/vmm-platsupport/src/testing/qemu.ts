/** Test helper: the device tree QEMU itself builds for `-M virt,gic-version=2` (the oracle). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What to boot QEMU virt with before it dumps its tree. */
export interface QemuVirtDump {
  readonly smp: number;
  readonly memMiB: number;
  readonly append?: string;
  /** Bytes of a dummy initrd; a dummy kernel is passed too, since QEMU needs one for either. */
  readonly initrdBytes?: number;
}

/** Runs `qemu-system-aarch64 -M virt,gic-version=2,dumpdtb=…` and returns the blob. */
export function qemuVirtDtb(dump: QemuVirtDump): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "vmm-platsupport-qemu-"));
  try {
    const output = join(dir, "virt.dtb");
    const args = [
      "-M",
      `virt,gic-version=2,dumpdtb=${output}`,
      "-cpu",
      "cortex-a53",
      "-smp",
      String(dump.smp),
      "-m",
      String(dump.memMiB),
      "-display",
      "none",
      "-nodefaults",
    ];
    if (dump.append !== undefined || dump.initrdBytes !== undefined) {
      writeFileSync(join(dir, "kernel"), new Uint8Array(4096));
      args.push("-kernel", join(dir, "kernel"));
    }
    if (dump.append !== undefined) args.push("-append", dump.append);
    if (dump.initrdBytes !== undefined) {
      writeFileSync(join(dir, "initrd"), new Uint8Array(dump.initrdBytes));
      args.push("-initrd", join(dir, "initrd"));
    }
    execFileSync("qemu-system-aarch64", args, { stdio: ["ignore", "ignore", "pipe"] });
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
