/* cpuid-msr: CPUID leaves 0 and 1 (only fields a P6-class model and QEMU's pentium3 agree on:
 * vendor, signature, feature words; not EBX of leaf 1, which carries APIC ID and CLFLUSH size),
 * EFLAGS.ID, the TSC moving forward, and RDMSR/WRMSR of the APIC base and SYSENTER MSRs. */
#include "cpu.h"
#include "exit.h"
#include "print.h"
#include "runtime.h"

#define CPUID_1_ECX_HYPERVISOR 0x80000000u
#define IA32_APIC_BASE 0x1B
#define IA32_SYSENTER_CS 0x174
#define IA32_SYSENTER_ESP 0x175
#define IA32_SYSENTER_EIP 0x176

struct feature_bit {
    const char *name;
    uint8_t bit;
};

/* Leaf 1 EDX bits worth naming for a P6-class guest. */
static const struct feature_bit edx_features[] = {
    { "fpu", 0 },  { "vme", 1 },  { "de", 2 },     { "pse", 3 },   { "tsc", 4 },   { "msr", 5 },
    { "pae", 6 },  { "mce", 7 },  { "cx8", 8 },    { "apic", 9 },  { "sep", 11 },  { "mtrr", 12 },
    { "pge", 13 }, { "mca", 14 }, { "cmov", 15 },  { "pat", 16 },  { "pse36", 17 }, { "clflush", 19 },
    { "mmx", 23 }, { "fxsr", 24 }, { "sse", 25 },  { "sse2", 26 },
};

static void print_vendor(const struct cpuid_result *leaf0)
{
    const uint32_t words[3] = { leaf0->ebx, leaf0->edx, leaf0->ecx };
    print("vendor: \"");
    for (int w = 0; w < 3; w++) {
        for (int b = 0; b < 4; b++) {
            print_char((char)(words[w] >> (8 * b)));
        }
    }
    print("\"\n");
}

static void print_signature(uint32_t eax)
{
    print_field("leaf 1 eax (signature): ", eax);
    print("family ");
    print_dec((eax >> 8) & 0xF);
    print(" model ");
    print_dec((eax >> 4) & 0xF);
    print(" stepping ");
    print_dec(eax & 0xF);
    print("\n");
}

static void print_features(uint32_t edx)
{
    print_field("leaf 1 edx (features): ", edx);
    print("features:");
    for (uint32_t i = 0; i < sizeof(edx_features) / sizeof(edx_features[0]); i++) {
        print(" ");
        print(edx_features[i].name);
        print(edx & (1u << edx_features[i].bit) ? "+" : "-");
    }
    print("\n");
}

static int eflags_id_toggles(void)
{
    const uint32_t original = read_eflags();
    write_eflags(original ^ EFLAGS_ID);
    const uint32_t toggled = read_eflags();
    write_eflags(original);
    return ((original ^ toggled) & EFLAGS_ID) != 0;
}

/* Writes `value`, reads it back, prints it; true when it stuck. */
static int msr_round_trip(const char *name, uint32_t msr, uint32_t value)
{
    wrmsr(msr, value);
    const uint64_t read = rdmsr(msr);
    print(name);
    print(": wrote ");
    print_hex32(value);
    print(", read ");
    print_hex64((uint32_t)(read >> 32), (uint32_t)read);
    print("\n");
    return read == value;
}

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    int ok = 1;
    print("cpuid-msr: start\n");
    print(eflags_id_toggles() ? "eflags.id toggles: yes\n" : "eflags.id toggles: no\n");
    const struct cpuid_result leaf0 = cpuid(0);
    print_field("leaf 0 eax (max leaf): ", leaf0.eax);
    print_vendor(&leaf0);
    const struct cpuid_result leaf1 = cpuid(1);
    print_signature(leaf1.eax);
    print_features(leaf1.edx);
    /* Bit 31 says "running under a hypervisor": QEMU sets it, a P6 does not; leave it out. */
    print_field("leaf 1 ecx (bit 31 masked): ", leaf1.ecx & ~CPUID_1_ECX_HYPERVISOR);

    const uint64_t tsc_before = rdtsc();
    const uint64_t tsc_after = rdtsc();
    print(tsc_after > tsc_before ? "tsc advances: yes\n" : "tsc advances: no\n");

    const uint64_t apic_base = rdmsr(IA32_APIC_BASE);
    print("IA32_APIC_BASE: ");
    print_hex64((uint32_t)(apic_base >> 32), (uint32_t)apic_base);
    print("\n");
    ok &= msr_round_trip("IA32_SYSENTER_CS", IA32_SYSENTER_CS, 0x00000008);
    ok &= msr_round_trip("IA32_SYSENTER_ESP", IA32_SYSENTER_ESP, 0x00123450);
    ok &= msr_round_trip("IA32_SYSENTER_EIP", IA32_SYSENTER_EIP, 0x00100abc);
    print(ok ? "cpuid-msr: done\n" : "cpuid-msr: FAILED\n");
    return ok ? 0 : EXIT_FAILURE_CODE;
}
