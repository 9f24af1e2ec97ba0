/** x86 I/O-port grants: each IOPort cap links at most one VCPU it enabled ports on (§9.2, §9.6). */
import type { Cap } from "./objects/types.js";

/** Withdraws the ports an IOPort cap granted to a VCPU (its whole range, as `unsetIOPortMask`). */
export function revokeIOPortGrant(cap: Cap & { type: "io_port" }): void {
  const v = cap.vcpu;
  if (!v) return;
  for (let p = cap.first; p <= cap.last; p++) v.ioPortsEnabled.delete(p);
}
