# Entry for a bare program started by -bios none: M-mode, a0 = hart id.
# Hart 0 zeroes .bss, sets up gp and sp, turns the FPU on, calls main, and
# passes main's return value to htif_exit; other harts park.
    .section .text.start
    .global _start
_start:
    bnez a0, park
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  li t0, 1 << 13          # mstatus.FS = Initial: F/D instructions are illegal while FS is Off
    csrs mstatus, t0
    call main
    call htif_exit
park:
    j park
