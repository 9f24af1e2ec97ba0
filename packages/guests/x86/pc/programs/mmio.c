/* mmio: an assortment of memory-operand instructions aimed at a device window. Under QEMU the
 * window is the VGA text buffer at 0xB8000 (RAM-like in text mode); our VMM emulates it as an MMIO
 * device with RAM semantics, so every instruction exits to its decoder. Each step runs first on a
 * plain RAM buffer, then on the window; the window's result is printed and compared with RAM's. */
#include "exit.h"
#include "print.h"
#include "runtime.h"

#define MMIO_WINDOW 0x000B8000u
#define WINDOW_BYTES 256
#define COPY_DWORDS 16

typedef uint32_t (*step_function)(uint8_t *window);

struct step {
    const char *name;
    step_function run;
};

static uint8_t ram_window[WINDOW_BYTES] __attribute__((aligned(16)));
static uint32_t copy_source[COPY_DWORDS];
static uint32_t copy_back[COPY_DWORDS];

static uint32_t load32(const uint8_t *window, uint32_t offset)
{
    uint32_t value;
    __asm__ volatile("movl (%1,%2), %0" : "=r"(value) : "r"(window), "r"(offset) : "memory");
    return value;
}

/* REP STOSL of a pattern over the whole window, then a MOV load of the last dword. */
static uint32_t step_rep_stos(uint8_t *window)
{
    uint8_t *destination = window;
    uint32_t count = WINDOW_BYTES / 4;
    __asm__ volatile("rep stosl" : "+D"(destination), "+c"(count) : "a"(0x5A5A5A5Au) : "memory");
    return load32(window, WINDOW_BYTES - 4);
}

static uint32_t step_mov_store(uint8_t *window)
{
    __asm__ volatile("movl $0x11223344, (%0)\n\t"
                     "movw $0xbeef, 4(%0)\n\t"
                     "movb $0x80, 6(%0)\n\t"
                     "movl %1, 8(%0)"
                     :
                     : "r"(window), "r"(0x01020304u)
                     : "memory");
    return load32(window, 4);
}

static uint32_t step_mov_load(uint8_t *window)
{
    uint32_t value;
    __asm__ volatile("movl 8(%1), %0" : "=r"(value) : "r"(window) : "memory");
    return value;
}

static uint32_t step_movzx_byte(uint8_t *window)
{
    uint32_t value;
    __asm__ volatile("movzbl 1(%1), %0" : "=r"(value) : "r"(window) : "memory");
    return value;
}

static uint32_t step_movzx_word(uint8_t *window)
{
    uint32_t value;
    __asm__ volatile("movzwl 2(%1), %0" : "=r"(value) : "r"(window) : "memory");
    return value;
}

static uint32_t step_movsx_byte(uint8_t *window)
{
    uint32_t value;
    __asm__ volatile("movsbl 6(%1), %0" : "=r"(value) : "r"(window) : "memory");
    return value;
}

static uint32_t step_movsx_word(uint8_t *window)
{
    uint32_t value;
    __asm__ volatile("movswl 4(%1), %0" : "=r"(value) : "r"(window) : "memory");
    return value;
}

static uint32_t step_or(uint8_t *window)
{
    __asm__ volatile("orl $0x0f000f00, (%0)\n\t"
                     "orb %1, 7(%0)"
                     :
                     : "r"(window), "q"((uint8_t)0x81)
                     : "memory", "cc");
    return load32(window, 0) ^ load32(window, 4);
}

static uint32_t step_and(uint8_t *window)
{
    __asm__ volatile("andl $0xffff00ff, (%0)\n\t"
                     "andw %1, 4(%0)"
                     :
                     : "r"(window), "r"((uint16_t)0x0ff0)
                     : "memory", "cc");
    return load32(window, 0) ^ load32(window, 4);
}

static uint32_t step_xchg(uint8_t *window)
{
    uint32_t value = 0xA1B2C3D4;
    __asm__ volatile("xchgl %0, 8(%1)" : "+r"(value) : "r"(window) : "memory");
    return value ^ load32(window, 8);
}

/* ADD that carries out, SETC into the window, INC, DEC (16-bit), NOT, NEG, XOR. */
static uint32_t step_arithmetic(uint8_t *window)
{
    __asm__ volatile("movl $0xfffffff8, 12(%0)\n\t"
                     "addl $0x10, 12(%0)\n\t"
                     "setc 16(%0)\n\t"
                     "incl 12(%0)\n\t"
                     "decw 18(%0)\n\t"
                     "notl 20(%0)\n\t"
                     "negl 24(%0)\n\t"
                     "xorl $0x00ff00ff, 20(%0)"
                     :
                     : "r"(window)
                     : "memory", "cc");
    return load32(window, 12) + load32(window, 16) * 3 + load32(window, 20) * 5 +
           load32(window, 24) * 7;
}

/* CMP and TEST only read; their flags land in a register through SETcc. */
static uint32_t step_compare(uint8_t *window)
{
    uint8_t equal, zero;
    __asm__ volatile("cmpl $0x00000009, 12(%2)\n\t"
                     "sete %0\n\t"
                     "testl $0x80000000, 8(%2)\n\t"
                     "setz %1"
                     : "=q"(equal), "=q"(zero)
                     : "r"(window)
                     : "memory", "cc");
    return (uint32_t)equal << 8 | zero;
}

static uint32_t step_cmpxchg(uint8_t *window)
{
    uint32_t expected = 9;
    uint32_t wrong = 0;
    __asm__ volatile("cmpxchgl %2, 12(%3)\n\t"
                     "movl $1, %%eax\n\t"
                     "cmpxchgl %2, 12(%3)\n\t"
                     "movl %%eax, %1"
                     : "+a"(expected), "=r"(wrong)
                     : "r"(0xC0DE0001u), "r"(window)
                     : "memory", "cc");
    return load32(window, 12) ^ (wrong >> 8); /* wrong holds what the failed compare loaded */
}

static uint32_t step_xadd(uint8_t *window)
{
    uint32_t value = 0x100;
    __asm__ volatile("xaddl %0, 12(%1)" : "+r"(value) : "r"(window) : "memory", "cc");
    return value ^ load32(window, 12);
}

static uint32_t step_bit_test(uint8_t *window)
{
    uint8_t was_set, was_clear;
    __asm__ volatile("btsl $3, 28(%2)\n\t"
                     "setc %0\n\t"
                     "btrl $3, 28(%2)\n\t"
                     "setc %1\n\t"
                     "btsl $31, 28(%2)"
                     : "=q"(was_clear), "=q"(was_set)
                     : "r"(window)
                     : "memory", "cc");
    return load32(window, 28) ^ ((uint32_t)was_clear << 4) ^ was_set;
}

/* PUSH from the window and POP into it. */
static uint32_t step_push_pop(uint8_t *window)
{
    __asm__ volatile("pushl 8(%0)\n\t"
                     "popl 32(%0)"
                     :
                     : "r"(window)
                     : "memory");
    return load32(window, 32);
}

/* REP MOVSL from RAM into the window, REP MOVSB back out, a checksum of what came back. */
static uint32_t step_rep_movs(uint8_t *window)
{
    for (uint32_t i = 0; i < COPY_DWORDS; i++) {
        copy_source[i] = 0x10203040u * (i + 1) ^ 0x9E3779B9u;
        copy_back[i] = 0;
    }
    const void *source = copy_source;
    void *destination = window + 64;
    uint32_t count = COPY_DWORDS;
    __asm__ volatile("rep movsl" : "+S"(source), "+D"(destination), "+c"(count) : : "memory");
    source = window + 64;
    destination = copy_back;
    count = COPY_DWORDS * 4;
    __asm__ volatile("rep movsb" : "+S"(source), "+D"(destination), "+c"(count) : : "memory");
    uint32_t checksum = 0;
    for (uint32_t i = 0; i < COPY_DWORDS; i++) {
        if (copy_back[i] != copy_source[i]) {
            return 0xBAD00000u | i;
        }
        checksum = (checksum << 5 | checksum >> 27) ^ copy_back[i];
    }
    return checksum;
}

/* MOVSW inside the window, backwards (DF set), then LODSB and STOSW. */
static uint32_t step_string_backwards(uint8_t *window)
{
    const void *source = window + 64 + 30;
    void *destination = window + 160 + 30;
    uint32_t count = 16;
    __asm__ volatile("std\n\t"
                     "rep movsw\n\t"
                     "cld"
                     : "+S"(source), "+D"(destination), "+c"(count)
                     :
                     : "memory");
    uint32_t loaded;
    source = window + 161;
    __asm__ volatile("lodsb" : "=a"(loaded), "+S"(source) : "a"(0u) : "memory");
    destination = window + 200;
    __asm__ volatile("stosw" : "+D"(destination) : "a"(0x7E7Eu) : "memory");
    return load32(window, 160) ^ load32(window, 188) ^ (loaded << 24) ^ load32(window, 200);
}

static const struct step steps[] = {
    { "rep stosl, mov load", step_rep_stos },
    { "mov stores (32/16/8-bit)", step_mov_store },
    { "mov load", step_mov_load },
    { "movzx byte", step_movzx_byte },
    { "movzx word", step_movzx_word },
    { "movsx byte", step_movsx_byte },
    { "movsx word", step_movsx_word },
    { "or", step_or },
    { "and", step_and },
    { "xchg", step_xchg },
    { "add/setc/inc/dec/not/neg/xor", step_arithmetic },
    { "cmp/test", step_compare },
    { "cmpxchg", step_cmpxchg },
    { "xadd", step_xadd },
    { "bts/btr", step_bit_test },
    { "push/pop memory", step_push_pop },
    { "rep movsl in, rep movsb out", step_rep_movs },
    { "std rep movsw, lodsb, stosw", step_string_backwards },
};

#define STEP_COUNT (sizeof(steps) / sizeof(steps[0]))

uint8_t guest_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    uint32_t ram_results[STEP_COUNT];
    for (uint32_t i = 0; i < STEP_COUNT; i++) {
        ram_results[i] = steps[i].run(ram_window);
    }
    print("mmio: window at ");
    print_hex32(MMIO_WINDOW);
    print("\n");
    uint32_t mismatches = 0;
    for (uint32_t i = 0; i < STEP_COUNT; i++) {
        const uint32_t result = steps[i].run((uint8_t *)MMIO_WINDOW);
        print(steps[i].name);
        print(": ");
        print_hex32(result);
        if (result == ram_results[i]) {
            print(" (same as RAM)\n");
        } else {
            print(" (RAM gave ");
            print_hex32(ram_results[i]);
            print(")\n");
            mismatches++;
        }
    }
    print("mmio: ");
    print_dec(mismatches);
    print(" mismatches\n");
    return mismatches == 0 ? 0 : EXIT_FAILURE_CODE;
}
