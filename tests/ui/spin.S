# The debugger window's test guest (tests/ui/debugger_window.py): counts in a0 and stores the count to
# `counter` (a watchpoint's target), misuses the UART each round (a 4-byte read of its 1-byte LSR: a
# guest error), and waits for a1 to become non-zero, which only a debugger does; it then powers off
# with exit status a2 through the sifive,test finisher.
    .section .text.start
    .global _start
_start:
    li a0, 0                 # the reset ROM passes hartid, the device tree and fw_dynamic in a0-a2
    li a1, 0
    li a2, 0
    la t0, counter
    li t1, 0x10000005
    .global loop
loop:
    addi a0, a0, 1
    sd a0, 0(t0)
    .global after_store
after_store:
    lw t2, 0(t1)             # UART registers are 1 byte wide: a guest error
    bnez a1, done
    j loop
done:
    li t3, 0x100000
    slli t4, a2, 16
    li t5, 0x3333            # finisher: fail with the code in bits 31:16
    or t4, t4, t5
    sw t4, 0(t3)
hang:
    j hang

    .data
    .balign 8
    .global counter
counter:
    .dword 0
