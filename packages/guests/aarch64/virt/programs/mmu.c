/* Stage-1 translation with a 4 KiB granule and a 39-bit address space (walks start at level 1):
 * 1 GiB identity blocks for devices and RAM, and a level-2/level-3 table pair that aliases the
 * PL011 and one RAM page at 0x1_0000_0000. With the MMU on, the program unmaps the device
 * identity block and prints through the alias, checks the RAM alias, asks AT S1E1R for a
 * translation and takes a translation fault. */
#include "exceptions.h"
#include "print.h"
#include "runtime.h"
#include "sysreg.h"
#include "uart.h"

#define ENTRIES 512
#define DESC_BLOCK 0x1UL
#define DESC_TABLE 0x3UL
#define DESC_PAGE 0x3UL
#define DESC_AF (1UL << 10)
#define DESC_INNER_SHAREABLE (3UL << 8)
#define DESC_NO_EXECUTE ((1UL << 53) | (1UL << 54))
#define ATTR_DEVICE (0UL << 2) /* MAIR index 0: Device-nGnRnE */
#define ATTR_NORMAL (1UL << 2) /* MAIR index 1: Normal write-back */
#define MAIR_VALUE 0xff00UL

#define TCR_T0SZ_39_BITS 25UL
#define TCR_IRGN0_WB (1UL << 8)
#define TCR_ORGN0_WB (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_EPD1 (1UL << 23)
#define TCR_IPS_36_BITS (1UL << 32)
#define SCTLR_M (1UL << 0)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)

#define GIB (1UL << 30)
#define ALIAS_BASE 0x100000000UL
#define UART_ALIAS (ALIAS_BASE + 0x0000)
#define PAGE_ALIAS (ALIAS_BASE + 0x1000)
#define UNMAPPED_VA 0x200000000UL

static u64 level1[ENTRIES] __attribute__((aligned(4096)));
static u64 alias_level2[ENTRIES] __attribute__((aligned(4096)));
static u64 alias_level3[ENTRIES] __attribute__((aligned(4096)));
static volatile u64 shared_page[ENTRIES] __attribute__((aligned(4096)));

static u64 device_block(u64 pa) {
  return pa | DESC_BLOCK | DESC_AF | ATTR_DEVICE | DESC_NO_EXECUTE;
}
static u64 normal_block(u64 pa) {
  return pa | DESC_BLOCK | DESC_AF | ATTR_NORMAL | DESC_INNER_SHAREABLE;
}
static u64 device_page(u64 pa) { return pa | DESC_PAGE | DESC_AF | ATTR_DEVICE | DESC_NO_EXECUTE; }
static u64 normal_page(u64 pa) {
  return pa | DESC_PAGE | DESC_AF | ATTR_NORMAL | DESC_INNER_SHAREABLE | DESC_NO_EXECUTE;
}
static u64 table(const u64 *next) { return (u64)next | DESC_TABLE; }

static void build_tables(void) {
  level1[0] = device_block(0);          /* 0..1 GiB: GIC, PL011 */
  level1[1] = normal_block(GIB);        /* 1..2 GiB: RAM, this program */
  level1[ALIAS_BASE / GIB] = table(alias_level2);
  alias_level2[0] = table(alias_level3);
  alias_level3[0] = device_page(UART_BASE);
  alias_level3[1] = normal_page((u64)shared_page);
}

static void mmu_enable(void) {
  write_sysreg(mair_el1, MAIR_VALUE);
  write_sysreg(tcr_el1, TCR_T0SZ_39_BITS | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER |
                            TCR_EPD1 | TCR_IPS_36_BITS);
  write_sysreg(ttbr0_el1, (u64)level1);
  dsb_sy();
  isb();
  __asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
  write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
  isb();
}

static u64 translate(u64 va) {
  __asm__ volatile("at s1e1r, %0" ::"r"(va) : "memory");
  isb();
  return read_sysreg(par_el1);
}

struct abort_seen {
  u64 esr, far, elr;
  int taken;
};
static struct abort_seen abort_seen;

static int on_sync(struct exception_frame *frame) {
  if (ESR_EC(frame->esr) != EC_DATA_ABORT_SAME_EL) return 0;
  abort_seen.esr = frame->esr;
  abort_seen.far = frame->far;
  abort_seen.elr = frame->elr;
  abort_seen.taken = 1;
  frame->elr += 4;
  return 1;
}

static u64 load_unmapped(void) {
  u64 at, value = 0;
  __asm__ volatile("adr %0, 1f\n1: ldr %1, [%2]" : "=&r"(at), "+&r"(value) : "r"(UNMAPPED_VA)
                   : "memory");
  return at;
}

void guest_main(void) {
  exceptions_set_sync_handler(on_sync);
  build_tables();
  mmu_enable();
  print("mmu: SCTLR_EL1.M = ");
  print_dec(read_sysreg(sctlr_el1) & SCTLR_M);
  print("\n");

  /* From here on the alias is the only way to reach the PL011. */
  uart_set_base(UART_ALIAS);
  level1[0] = 0;
  __asm__ volatile("dsb sy\n tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
  print("mmu: device identity mapping removed; this line goes through the PL011 alias at VA ");
  print_hex(UART_ALIAS);
  print("\n");

  volatile u64 *alias = (volatile u64 *)PAGE_ALIAS;
  alias[3] = 0x5e14a11a5UL;
  print("mmu: RAM page alias write seen at its identity address: ");
  print(shared_page[3] == 0x5e14a11a5UL ? "yes\n" : "no\n");

  u64 par = translate(UART_ALIAS);
  print("mmu: AT S1E1R ");
  print_hex(UART_ALIAS);
  if (par & 1) {
    print(" failed\n");
  } else {
    print(" -> PA ");
    print_hex(par & 0xfffffffff000UL);
    print("\n");
  }

  u64 at = load_unmapped();
  print("mmu: load from unmapped VA ");
  print_hex(UNMAPPED_VA);
  if (!abort_seen.taken) {
    print(": no fault\n");
  } else {
    print(": EC ");
    print_hex(ESR_EC(abort_seen.esr));
    print(" DFSC ");
    print_hex(abort_seen.esr & 0x3f);
    print(" FAR ");
    print_hex(abort_seen.far);
    print(abort_seen.elr == at ? " ELR = the load\n" : " ELR unexpected\n");
  }
  print("mmu: done\n");
}
