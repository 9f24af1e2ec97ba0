// Heap used per 1,000 live kernel objects (endpoints, notifications and TCBs in equal parts),
// measured with forced garbage collection: run with `node --expose-gc` (the package's bench
// script does). Prints one line.
import {
  type Sel4_AArch64,
  seL4_CapInitThreadCNode,
  seL4_CapTableObject,
  seL4_EndpointObject,
  seL4_NotificationObject,
  seL4_TCBObject,
} from "@sel4/sel4";
import { Kernel } from "../src/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
const N = 30_720;
const kernel = new Kernel({ arch: "aarch64", ramSize: 2 ** 30 });
let before = 0;
let after = 0;
let created = 0;
await kernel.run(async (s, bi) => {
  const sel4 = s as Sel4_AArch64;
  const root = seL4_CapInitThreadCNode;
  const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 28);
  const cn = bi.empty.start;
  sel4.seL4_Untyped_Retype(ut, seL4_CapTableObject, 16, root, 0, 0, cn, 1);
  gc?.();
  before = process.memoryUsage().heapUsed;
  const types = [seL4_EndpointObject, seL4_NotificationObject, seL4_TCBObject];
  for (let i = 0; i < N; i += 256) {
    if (sel4.seL4_Untyped_Retype(ut, types[(i / 256) % 3]!, 0, cn, 0, 0, i, 256) === 0)
      created += 256;
  }
  gc?.();
  after = process.memoryUsage().heapUsed;
});
const perThousand = (after - before) / (created / 1000);
console.log(
  `memory per 1,000 live objects (1/3 each endpoint, notification, TCB; ${created} created): ` +
    `${(perThousand / 1024).toFixed(0)} KiB of heap${gc ? "" : " (run with --expose-gc for a stable figure)"}`,
);
