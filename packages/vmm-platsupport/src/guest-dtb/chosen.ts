/**
 * Rewrites `/chosen` of a device tree the user supplied, as QEMU does with `-dtb`: the command
 * line and the initrd range we chose replace whatever the blob said.
 */
import { fdtPropString, fdtPropU64 } from "../fdt/property.js";
import { type Fdt, type FdtNode, type FdtProperty, fdtNode } from "../fdt/types.js";
import type { GuestPhysRange } from "../loaders/guest-ram.js";

/** What {@link fdtSetChosen} writes into `/chosen`. */
export interface ChosenUpdate {
  /** New `bootargs`; absent leaves the blob's own. */
  readonly bootargs?: string;
  /** New `linux,initrd-start/-end`; absent removes stale ones (no initrd is loaded). */
  readonly initrd?: GuestPhysRange;
}

const INITRD_PROPERTIES = new Set(["linux,initrd-start", "linux,initrd-end"]);

/**
 * A copy of the tree with `/chosen` updated (created when missing).
 * @param fdt - the tree
 * @param update - command line and initrd range
 * @returns the new tree; the input is not changed
 * @throws FdtError FDT_ERR_BADVALUE when the command line contains NUL
 */
export function fdtSetChosen(fdt: Fdt, update: ChosenUpdate): Fdt {
  const replaced = new Set(INITRD_PROPERTIES);
  const added: FdtProperty[] = [];
  if (update.bootargs !== undefined) {
    replaced.add("bootargs");
    added.push(fdtPropString("bootargs", update.bootargs));
  }
  if (update.initrd !== undefined) {
    added.push(
      fdtPropU64("linux,initrd-start", update.initrd.start),
      fdtPropU64("linux,initrd-end", update.initrd.end),
    );
  }
  const old = fdt.root.children.find((c) => c.name === "chosen");
  const chosen: FdtNode = fdtNode(
    "chosen",
    [...(old?.properties ?? []).filter((p) => !replaced.has(p.name)), ...added],
    old?.children ?? [],
  );
  const children =
    old === undefined
      ? [...fdt.root.children, chosen]
      : fdt.root.children.map((c) => (c === old ? chosen : c));
  return { ...fdt, root: { ...fdt.root, children } };
}
