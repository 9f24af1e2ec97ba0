/* hello: a greeting, the loader's magic, the Multiboot memory sizes, the available-RAM entries of
 * the memory map (reserved entries are firmware detail a VMM need not copy) and the command line. */
#include "print.h"
#include "runtime.h"

static void print_memory_map(const struct multiboot_info *info)
{
    uint32_t address = info->mmap_addr;
    const uint32_t end = info->mmap_addr + info->mmap_length;
    while (address < end) {
        const struct multiboot_mmap_entry *entry = (const struct multiboot_mmap_entry *)address;
        if (entry->type == MULTIBOOT_MEMORY_AVAILABLE) {
            print("  ram ");
            print_hex64(entry->base_high, entry->base_low);
            print(" length ");
            print_hex64(entry->length_high, entry->length_low);
            print("\n");
        }
        address += entry->size + sizeof(entry->size);
    }
}

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    print("Hello from a Multiboot guest!\n");
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        print_field("bad loader magic: ", magic);
        return 2;
    }
    print("loader magic ok\n");
    if (info->flags & MULTIBOOT_INFO_MEMORY) {
        print("mem_lower: ");
        print_dec(info->mem_lower);
        print(" KiB\nmem_upper: ");
        print_dec(info->mem_upper);
        print(" KiB\n");
    } else {
        print("no memory sizes\n");
    }
    if (info->flags & MULTIBOOT_INFO_MEM_MAP) {
        print("available memory:\n");
        print_memory_map(info);
    } else {
        print("no memory map\n");
    }
    if (info->flags & MULTIBOOT_INFO_CMDLINE) {
        print("command line: \"");
        print((const char *)info->cmdline);
        print("\"\n");
    } else {
        print("no command line\n");
    }
    print("bye\n");
    return 0;
}
