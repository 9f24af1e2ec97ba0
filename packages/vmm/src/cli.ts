/**
 * The `sel4-vmm` executable: runs {@link sel4_vmm_main} on the process's arguments and streams,
 * then exits once stdout has drained (the guest may still be running after Ctrl-A X).
 */
import { sel4_vmm_main } from "./cli/main.js";

const status = await sel4_vmm_main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.stdout.write("", () => process.exit(status));
