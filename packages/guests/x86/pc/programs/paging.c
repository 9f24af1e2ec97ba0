/* paging: two-level paging with a 4 MiB page (0-4 MiB, where the program lives) and a page table
 * of 4 KiB pages (4-8 MiB); three page faults the guest handles by editing its page tables and
 * resuming the faulting instruction; the accessed/dirty bits the CPU set afterwards. */
#include "cpu.h"
#include "exit.h"
#include "idt.h"
#include "print.h"
#include "runtime.h"

#define PAGE_SIZE 4096u
#define LARGE_PAGE_SIZE 0x400000u
#define PTE_PRESENT 0x001u
#define PTE_WRITABLE 0x002u
#define PTE_ACCESSED 0x020u
#define PTE_DIRTY 0x040u
#define PDE_LARGE 0x080u

/* Virtual addresses the test touches. */
#define ABSENT_PAGE 0x00700000u    /* not present at first; the handler maps it to ALIAS_FRAME */
#define READ_ONLY_PAGE 0x00701000u /* present, read-only; the handler makes it writable */
#define ABSENT_LARGE 0x00800000u   /* no page table; the handler maps a 4 MiB page at 4 MiB */
#define ALIAS_FRAME 0x00500000u    /* also identity mapped, so the alias can be read back */

#define EXPECTED_FAULTS 3

static uint32_t page_directory[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t page_table[1024] __attribute__((aligned(PAGE_SIZE))); /* 4-8 MiB */
static volatile uint32_t faults;

static volatile uint32_t *word_at(uint32_t address)
{
    return (volatile uint32_t *)address;
}

static uint32_t table_index(uint32_t address)
{
    return (address >> 12) & 0x3FF;
}

static void build_page_tables(void)
{
    page_directory[0] = 0 | PDE_LARGE | PTE_WRITABLE | PTE_PRESENT;
    page_directory[1] = (uint32_t)page_table | PTE_WRITABLE | PTE_PRESENT;
    for (uint32_t i = 0; i < 1024; i++) {
        page_table[i] = (LARGE_PAGE_SIZE + i * PAGE_SIZE) | PTE_WRITABLE | PTE_PRESENT;
    }
    page_table[table_index(ABSENT_PAGE)] = 0;
    page_table[table_index(READ_ONLY_PAGE)] = READ_ONLY_PAGE | PTE_PRESENT;
}

static void enable_paging(void)
{
    write_cr3((uint32_t)page_directory);
    write_cr4(read_cr4() | CR4_PSE);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

static void on_page_fault(struct interrupt_frame *frame)
{
    const uint32_t address = read_cr2();
    const uint32_t page = address & ~(PAGE_SIZE - 1);
    print("page fault: cr2 ");
    print_hex32(address);
    print(" error ");
    print_hex32(frame->error_code);
    faults = faults + 1;
    if (page == ABSENT_PAGE && !(page_table[table_index(page)] & PTE_PRESENT)) {
        page_table[table_index(page)] = ALIAS_FRAME | PTE_WRITABLE | PTE_PRESENT;
        print(" -> mapped 4 KiB page to ");
        print_hex32(ALIAS_FRAME);
    } else if (address >> 22 == ABSENT_LARGE >> 22 && !(page_directory[address >> 22] & PTE_PRESENT)) {
        page_directory[address >> 22] = LARGE_PAGE_SIZE | PDE_LARGE | PTE_WRITABLE | PTE_PRESENT;
        print(" -> mapped 4 MiB page to ");
        print_hex32(LARGE_PAGE_SIZE);
    } else if (page == READ_ONLY_PAGE && (frame->error_code & PTE_WRITABLE)) {
        page_table[table_index(page)] |= PTE_WRITABLE;
        print(" -> made page writable");
    } else {
        print(" -> unexpected\n");
        debug_exit(EXIT_FAILURE_CODE);
    }
    print("\n");
    invlpg(address);
}

static int check(const char *what, uint32_t value, uint32_t expected)
{
    print(what);
    print_hex32(value);
    print(value == expected ? "\n" : " (wrong)\n");
    return value == expected;
}

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    int ok = 1;
    print("paging: start\n");
    idt_init();
    idt_set_handler(VECTOR_PAGE_FAULT, on_page_fault);
    /* Contents placed by physical address while paging is still off. */
    *word_at(LARGE_PAGE_SIZE + 4) = 0xCAFEF00D;
    *word_at(READ_ONLY_PAGE) = 0x0BADC0DE;
    build_page_tables();
    enable_paging();
    ok &= check("cr0 PG|WP|PE: ", read_cr0() & (CR0_PG | CR0_WP | CR0_PE), 0x80010001);
    ok &= check("cr4 PSE: ", read_cr4() & CR4_PSE, CR4_PSE);
    ok &= check("read-only page reads ", *word_at(READ_ONLY_PAGE), 0x0BADC0DE);

    *word_at(ABSENT_PAGE + 0x10) = 0x600DF00D;
    ok &= check("written through the new mapping, read at the frame: ", *word_at(ALIAS_FRAME + 0x10),
                0x600DF00D);
    ok &= check("4 MiB page reads ", *word_at(ABSENT_LARGE + 4), 0xCAFEF00D);
    *word_at(READ_ONLY_PAGE) = 0x12345678;
    ok &= check("read-only page after write: ", *word_at(READ_ONLY_PAGE), 0x12345678);

    ok &= check("accessed|dirty of the new 4 KiB page: ",
                page_table[table_index(ABSENT_PAGE)] & (PTE_ACCESSED | PTE_DIRTY), 0x60);
    ok &= check("accessed|dirty of the 4 MiB page (read only): ",
                page_directory[ABSENT_LARGE >> 22] & (PTE_ACCESSED | PTE_DIRTY), 0x20);
    ok &= check("accessed|dirty of the page made writable: ",
                page_table[table_index(READ_ONLY_PAGE)] & (PTE_ACCESSED | PTE_DIRTY), 0x60);
    ok &= check("page faults handled: ", faults, EXPECTED_FAULTS);
    print(ok ? "paging: done\n" : "paging: FAILED\n");
    return ok ? 0 : EXIT_FAILURE_CODE;
}
