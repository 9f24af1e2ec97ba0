/** vGICv2 hot paths: distributor accesses, and an injection + EOI maintenance cycle. */
import { bench, describe } from "vitest";
import { VgicV2 } from "../src/index.js";

describe("vGICv2", () => {
  const gic = new VgicV2({
    num_cpus: 4,
    num_irqs: 288,
    write_lr: (_c, _v, _p, _g, i) => (i < 4 ? 0 : 4),
  });
  gic.dist_access(0, 0, 4, true, 1n);
  for (let i = 1; i < 9; i++) gic.dist_access(0, 0x100 + 4 * i, 4, true, 0xffff_ffffn);
  gic.register_irq(0, 40, () => {});
  bench("distributor word read (ISENABLER1)", () => {
    gic.dist_access(0, 0x104, 4, false);
  });
  bench("distributor word write (IPRIORITYR10)", () => {
    gic.dist_access(0, 0x428, 4, true, 0xa0a0_a0a0n);
  });
  bench("inject SPI + EOI maintenance", () => {
    gic.inject(0, 40);
    gic.maintenance(0, 0);
  });
});
