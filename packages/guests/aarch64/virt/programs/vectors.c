/* Exceptions taken to EL1 through VBAR_EL1: SVC, an undefined instruction and BRK. The handler
 * records ESR/ELR; the program prints the exception class, the ISS and where ELR pointed relative
 * to the instruction (architectural facts, identical on every correct machine), then resumes. */
#include "exceptions.h"
#include "print.h"
#include "runtime.h"
#include "sysreg.h"

struct taken {
  u64 count;
  u64 esr;
  u64 elr;
};

static struct taken last;

/* SVC returns to the next instruction by itself; UNDEF and BRK report the faulting instruction,
 * so the handler steps over it. */
static int on_sync(struct exception_frame *frame) {
  last.count++;
  last.esr = frame->esr;
  last.elr = frame->elr;
  u64 ec = ESR_EC(frame->esr);
  if (ec == EC_UNKNOWN || ec == EC_BRK) frame->elr += 4;
  return ec == EC_SVC64 || ec == EC_UNKNOWN || ec == EC_BRK;
}

static void report(const char *what, u64 instruction_address) {
  print(what);
  print(": EC ");
  print_hex(ESR_EC(last.esr));
  print(" IL ");
  print_dec((last.esr >> 25) & 1);
  print(" ISS ");
  print_hex(ESR_ISS(last.esr));
  print(" ELR ");
  if (last.elr == instruction_address) {
    print("= the instruction");
  } else if (last.elr == instruction_address + 4) {
    print("= the next instruction");
  } else {
    print("unexpected ");
    print_hex(last.elr);
  }
  print("\n");
}

/* Each of these executes one trapping instruction at a known address and returns it. */
static u64 do_svc(void) {
  u64 at;
  __asm__ volatile("adr %0, 1f\n1: svc #0x42" : "=r"(at)::"memory");
  return at;
}

static u64 do_undefined(void) {
  u64 at;
  __asm__ volatile("adr %0, 1f\n1: .inst 0x00000000" : "=r"(at)::"memory"); /* UDF #0 */
  return at;
}

static u64 do_brk(void) {
  u64 at;
  __asm__ volatile("adr %0, 1f\n1: brk #0x7" : "=r"(at)::"memory");
  return at;
}

void guest_main(void) {
  exceptions_set_sync_handler(on_sync);
  print("vectors: VBAR_EL1 installed, ");
  print(read_sysreg(vbar_el1) != 0 ? "non-zero\n" : "zero\n");
  print("CurrentEL: EL");
  print_dec((read_sysreg(CurrentEL) >> 2) & 3);
  print("\n");
  u64 at = do_svc();
  report("svc #0x42", at);
  at = do_undefined();
  report("udf #0", at);
  at = do_brk();
  report("brk #7", at);
  print("exceptions taken: ");
  print_dec(last.count);
  print("\nvectors: done\n");
}
