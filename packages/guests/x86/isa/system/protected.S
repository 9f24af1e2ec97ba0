/* Bare-metal Multiboot program for the system-level differential test against
 * qemu-system-i386 -singlestep: its own GDT, IDT and TSS, far jumps and segment loads, faults
 * with and without error codes (#DE, #UD, #GP, #PF) handled and resumed, 2-level paging with
 * 4 KiB and 4 MiB pages, CR0.WP, INVLPG, a drop to ring 3 with IRET, INT 0x80 back to ring 0 on
 * the TSS stack, string instructions, PUSHF/POPF, then back through 16-bit protected mode to real
 * mode (own IVT, INT/IRET) and into protected mode again. Ends by writing to QEMU's
 * isa-debug-exit port.
 * Flags that the SDM leaves undefined are not produced, so every step compares exactly. */
        .section .text
        .code32
        .globl _start
        .align 4
multiboot:
        .long 0x1BADB002, 0, -0x1BADB002

_start:
        cli
        lgdt gdt_desc
        ljmp $0x08, $reload
reload:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov %ax, %fs
        mov %ax, %gs
        mov $stack_top, %esp

        /* IDT gates: vector, handler, type/DPL byte. */
        mov $0, %eax;    mov $de_handler, %edx; mov $0x8e, %ecx; call set_gate
        mov $6, %eax;    mov $ud_handler, %edx; mov $0x8e, %ecx; call set_gate
        mov $13, %eax;   mov $gp_handler, %edx; mov $0x8e, %ecx; call set_gate
        mov $14, %eax;   mov $pf_handler, %edx; mov $0x8e, %ecx; call set_gate
        mov $0x80, %eax; mov $syscall_handler, %edx; mov $0xee, %ecx; call set_gate
        lidt idt_desc

        /* TSS: ESP0/SS0 for the ring-3 section. */
        movl $kstack_top, tss + 4
        movl $0x10, tss + 8
        mov $tss, %eax
        mov %ax, gdt + 0x2a
        shr $16, %eax
        mov %al, gdt + 0x2c
        mov %ah, gdt + 0x2f
        mov $0x28, %ax
        ltr %ax

        /* Integer work. */
        mov $0x12345678, %eax
        mov $0x9abcdef0, %ebx
        add %ebx, %eax
        adc $7, %eax
        sub %eax, %ebx
        sbb $1, %ebx
        xor %ecx, %ecx
        inc %ecx
        neg %ebx
        and $0xff00ff, %ebx
        or %ebx, %ecx
        cmp %ecx, %eax
        setb %dl
        movzbl %dl, %edx
        lea 4(%eax,%ecx,2), %esi
        bswap %esi
        pushf
        popf

        /* Faults. */
        xor %ecx, %ecx
        div %ecx                /* #DE: the handler skips the 2-byte DIV */
        ud2                     /* #UD */
        mov $0x99, %ax
        mov %ax, %ds            /* #GP(0x98) */
        mov $0x10, %ax
        mov %ax, %ds

        /* Strings. */
        cld
        mov $src, %esi
        mov $dst, %edi
        mov $5, %ecx
        rep movsl
        mov $dst, %edi
        mov $0x11223344, %eax
        mov $3, %ecx
        rep stosl
        mov $dst, %esi
        lodsl

        /* Paging: PD at 0x200000; entry 0 -> page table (identity 4 KiB), entry 1 -> 4 MiB page. */
        mov $0x200000, %edi
        mov $0x201007, %eax
        mov %eax, (%edi)
        movl $0x400083, 4(%edi)
        mov $0x201000, %edi
        mov $0x7, %eax          /* user-accessible, for the ring-3 part */
        mov $0x203, %ecx         /* up to the page tables themselves */
1:      mov %eax, (%edi)
        add $0x1000, %eax
        add $4, %edi
        loop 1b
        mov %cr4, %eax
        or $0x10, %eax
        mov %eax, %cr4
        mov $0x200000, %eax
        mov %eax, %cr3
        mov %cr0, %eax
        or $0x80010000, %eax
        mov %eax, %cr0
        movl $0xcafe, 0x400010  /* through the 4 MiB page */
        mov 0x400010, %ebx
        mov 0x800020, %ecx      /* #PF: not present; the handler maps a 4 MiB page and retries */
        movl $0x180001, 0x201000 + 4 * 0x180 /* PTE for 0x180000: read-only now */
        invlpg 0x180000
        movl $1, 0x180000       /* #PF: write to read-only with WP; the handler makes it writable */
        mov 0x180000, %edx

        /* Ring 3 and back. */
        push $0x23
        push $ustack_top
        pushf
        push $0x1b
        push $user
        iret

user:
        mov $0x23, %ax
        mov %ax, %ds
        mov $40, %ecx
        xor %eax, %eax
2:      add %ecx, %eax
        loop 2b
        int $0x80

syscall_handler:
        mov %esp, %ebp
        mov 12(%ebp), %ebx      /* ring-3 ESP pushed on the kernel stack */
        mov $0x10, %ax
        mov %ax, %ds

        /* Back to real mode: copy the 16-bit part below 1 MiB, paging off, a 16-bit code segment,
         * PE off, real-mode far jump. */
        mov $pm16, %esi
        mov $REAL_BASE, %edi
        mov $(rm_end - pm16), %ecx
        cld
        rep movsb
        mov %cr0, %eax
        and $0x7fffffff, %eax
        mov %eax, %cr0
        ljmp $0x30, $0          /* pm16, the start of .realmode */

pm_back:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov $stack_top, %esp
        mov $0, %al
        out %al, $0xf4

set_gate:
        lea idt(,%eax,8), %edi
        mov %dx, (%edi)
        movw $0x08, 2(%edi)
        movb $0, 4(%edi)
        mov %cl, 5(%edi)
        shr $16, %edx
        mov %dx, 6(%edi)
        ret

de_handler:
        addl $2, (%esp)
        iret
ud_handler:
        addl $2, (%esp)
        iret
gp_handler:
        add $4, %esp
        addl $2, (%esp)
        iret
pf_handler:
        pop %eax                /* error code */
        mov %cr2, %ebx
        test $1, %eax
        jnz 3f
        mov %ebx, %ecx          /* not present: map the 4 MiB page holding CR2 1:1 */
        shr $22, %ecx
        and $0xffc00000, %ebx
        or $0x83, %ebx
        mov %ebx, 0x200000(,%ecx,4)
        iret
3:      shr $12, %ebx           /* protection: make the 4 KiB page writable */
        orl $2, 0x201000(,%ebx,4)
        shl $12, %ebx
        invlpg (%ebx)
        iret

/* Real-mode part, copied to REAL_BASE (below 1 MiB) before use and addressed relative to its
 * start: 16-bit protected mode, real mode with its own IVT, 16- and 32-bit operand sizes,
 * INT/IRET, string and loop instructions, then back to 32-bit protected mode. */
        .set REAL_BASE, 0x20000
        .code16
pm16:
        mov $0x38, %ax
        mov %ax, %ds
        mov %ax, %ss
        mov %cr0, %eax
        and $0xfffffffe, %eax
        mov %eax, %cr0
        ljmp $(REAL_BASE >> 4), $(real - pm16)
real:
        mov $(REAL_BASE >> 4), %ax
        mov %ax, %ds
        mov %ax, %ss
        mov $0x1000, %sp
        lidt (rm_idt - pm16)
        xor %ax, %ax
        mov %ax, %es
        movw $(rm_int - pm16), %es:0x84
        movw $(REAL_BASE >> 4), %es:0x86
        mov $0x1234, %ax
        mov $0x00ff, %bx
        add %bx, %ax
        imul %bx
        mov $0x12345678, %ecx
        shr $4, %ecx
        int $0x21
        push %ds
        pop %es
        mov $(rm_src - pm16), %si
        mov $(rm_dst - pm16), %di
        mov $6, %cx
        cld
        rep movsb
        mov $5, %cx
        xor %dx, %dx
1:      add %cx, %dx
        loop 1b
        pushf
        pop %bp
        mov (rm_dst - pm16 + 2), %si
        cli
        mov %cr0, %eax
        or $1, %eax
        mov %eax, %cr0
        ljmpl $0x08, $pm_back
rm_int:
        inc %bx
        mov %sp, %di
        iret
rm_idt:
        .word 0x3ff
        .long 0
rm_src: .ascii "abcdef"
rm_dst: .space 8
rm_end:
        .code32

        .section .data
        .align 8
gdt:
        .quad 0
        .quad 0x00cf9a000000ffff        /* 0x08 ring-0 code */
        .quad 0x00cf92000000ffff        /* 0x10 ring-0 data */
        .quad 0x00cffa000000ffff        /* 0x18 ring-3 code */
        .quad 0x00cff2000000ffff        /* 0x20 ring-3 data */
        .quad 0x0000890000000067        /* 0x28 TSS (base patched at run time) */
        .quad 0x00009a020000ffff        /* 0x30 16-bit code, base 0x20000 */
        .quad 0x000092020000ffff        /* 0x38 16-bit data, base 0x20000 */
gdt_end:
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt
idt_desc:
        .word 256 * 8 - 1
        .long idt
src:    .long 1, 2, 3, 4, 5

        .section .bss
        .align 4096
idt:    .space 256 * 8
tss:    .space 104
dst:    .space 64
        .space 4096
stack_top:
        .space 4096
kstack_top:
        .space 4096
ustack_top:
