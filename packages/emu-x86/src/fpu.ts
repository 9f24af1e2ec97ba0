/**
 * x87 state. The arithmetic subset is not implemented yet: x87 opcodes raise #NM when CR0.EM or
 * CR0.TS ask for it and #UD otherwise, and CPUID does not report an FPU.
 */
export class FpuState {
  /** Control word (FNINIT value). */
  control = 0x37f;
  /** Status word. */
  status = 0;
  /** Tag word (all empty). */
  tag = 0xffff;
}
