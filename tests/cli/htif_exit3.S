# A bare RV64I program that prints one line through the HTIF console and
# exits with status 3, the smallest thing that exercises tohost end to end.
    .section .text.start
    .global _start
_start:
    la s0, message
    la s1, tohost
    li s2, 1
    slli s2, s2, 56          # device 1 (console)
    li t0, 1
    slli t0, t0, 48
    or s2, s2, t0            # command 1 (putchar)
next:
    lbu t0, 0(s0)
    beqz t0, done
    or t0, t0, s2
wait_free:
    ld t1, 0(s1)
    bnez t1, wait_free       # the host has not taken the previous command
    sd t0, 0(s1)
wait_taken:
    ld t1, 0(s1)
    bnez t1, wait_taken
    addi s0, s0, 1
    j next
done:
    li t0, (3 << 1) | 1      # exit code 3
    sd t0, 0(s1)
hang:
    j hang

    .section .rodata
message:
    .string "hello from htif\n"

    .section .tohost, "aw", @progbits
    .align 3
    .global tohost
tohost: .dword 0
    .size tohost, 8
    .global fromhost
fromhost: .dword 0
    .size fromhost, 8
