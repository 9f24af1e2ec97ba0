/**
 * Guest programs of the project, found by their place in the package:
 * `<arch>/<group>/bin/<name>` (binaries, committed) built from `<arch>/<group>/` sources by
 * `make -C packages/guests`.
 *
 * @packageDocumentation
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Architectures guests are built for. */
export type GuestArch = "aarch64" | "x86";

/** One built guest program. */
export interface GuestProgram {
  /** Architecture folder it lives under. */
  readonly arch: GuestArch;
  /** Group folder (for example `virt` for programs built for QEMU's virt board). */
  readonly group: string;
  /** File name inside the group's `bin/` folder. */
  readonly name: string;
  /** Absolute path of the binary. */
  readonly path: string;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Absolute path of the package folder (sources and binaries live under it). */
export function guestsRoot(): string {
  return packageRoot;
}

/**
 * Absolute path of a built guest binary. Throws when it does not exist, naming the build command.
 */
export function guestPath(arch: GuestArch, group: string, name: string): string {
  const path = join(packageRoot, arch, group, "bin", name);
  if (!existsSync(path)) {
    throw new Error(`guest ${arch}/${group}/${name} is not built (run: make -C packages/guests)`);
  }
  return path;
}

/** The bytes of a built guest binary (see {@link guestPath}). */
export function readGuest(arch: GuestArch, group: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(guestPath(arch, group, name)));
}

/** Every built guest of an architecture (optionally of one group), sorted by group and name. */
export function listGuests(arch: GuestArch, group?: string): GuestProgram[] {
  const archDir = join(packageRoot, arch);
  if (!existsSync(archDir)) return [];
  const groups = group ? [group] : readdirSync(archDir).sort();
  const out: GuestProgram[] = [];
  for (const g of groups) {
    const bin = join(archDir, g, "bin");
    if (!existsSync(bin)) continue;
    for (const name of readdirSync(bin).sort()) {
      out.push({ arch, group: g, name, path: join(bin, name) });
    }
  }
  return out;
}
