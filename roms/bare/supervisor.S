# enter_supervisor(fn, satp) for supervisor.c: saves the callee-saved
# registers, sets satp, mrets to fn in S-mode (mstatus.MPP = S), and comes
# back on fn's ecall (mcause 9) with fn's result still in a0.
    .text
    .global enter_supervisor
enter_supervisor:
    addi sp, sp, -112
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    sd s4, 40(sp)
    sd s5, 48(sp)
    sd s6, 56(sp)
    sd s7, 64(sp)
    sd s8, 72(sp)
    sd s9, 80(sp)
    sd s10, 88(sp)
    sd s11, 96(sp)
    la t0, saved_sp
    sd sp, 0(t0)
    la t0, supervisor_trap
    csrw mtvec, t0
    csrw satp, a1
    sfence.vma
    la t0, supervisor_entry
    csrw mepc, t0
    li t0, 3 << 11          # mstatus.MPP
    csrc mstatus, t0
    li t0, 1 << 11          # MPP = S
    csrs mstatus, t0
    mv t1, a0
    mret
supervisor_entry:           # S-mode, Sv39 on; the program is identity-mapped, so sp stays valid
    jalr t1
    ecall

    .align 2                # mtvec, direct mode
supervisor_trap:
    csrr t0, mcause
    li t1, 9                # environment call from S-mode
    bne t0, t1, 1f
    csrw satp, zero
    sfence.vma
    la t0, saved_sp
    ld sp, 0(t0)
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    ld s4, 40(sp)
    ld s5, 48(sp)
    ld s6, 56(sp)
    ld s7, 64(sp)
    ld s8, 72(sp)
    ld s9, 80(sp)
    ld s10, 88(sp)
    ld s11, 96(sp)
    addi sp, sp, 112
    ret
1:  csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    call supervisor_fault

    .bss
    .align 3
saved_sp:
    .zero 8
