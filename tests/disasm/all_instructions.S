// Every instruction in cpu/isa/*.inc and every compressed form in cpu/isa/rvc.inc, with operands chosen to
// reach objdump's aliases (li, mv, ret, beqz, csrr, frflags, fmv.s, zext.w, ...), both signs and the extreme
// values of every immediate, every rounding mode, named and unnamed CSRs, and several fence sets.
// Assembled with -march=rv64gc_zba_zbb_zbs_zicsr_zifencei_zihintpause and disassembled by objdump with and
// without -M no-aliases; tern-disasm must print the same text for every line.
    .text
    .globl _start
_start:
    .option push
    .option norvc           # 32-bit encodings only in this part, so the assembler does not compress them

// --- RV64I (unprivileged spec chapters 2 and 5) ---
backward:
    lui     a0, 0
    lui     a0, 1
    lui     t6, 0xfffff
    lui     s0, 0x80000
    auipc   a1, 0
    auipc   ra, 0x12345
    auipc   t0, 0xfffff
    jal     zero, backward
    jal     ra, backward
    jal     t0, forward
    jal     a0, forward
    jalr    zero, 0(ra)
    jalr    zero, 0(a0)
    jalr    ra, 0(a0)
    jalr    ra, 16(a0)
    jalr    zero, -2048(t1)
    jalr    t0, 2047(t1)
    jalr    a0, 0(a1)
    beq     a0, a1, backward
    beq     a0, zero, forward
    beq     zero, a0, forward
    bne     a0, a1, forward
    bne     a0, zero, backward
    bne     zero, a1, backward
    blt     a0, a1, forward
    blt     a0, zero, forward
    blt     zero, a0, forward
    bge     a0, a1, forward
    bge     a0, zero, forward
    bge     zero, a0, forward
    bltu    a0, a1, forward
    bltu    zero, a1, forward
    bgeu    a0, a1, forward
    bgeu    a0, zero, forward
    lb      a0, 0(a1)
    lb      s1, -2048(sp)
    lh      a0, 2047(a1)
    lw      t2, -4(s0)
    ld      a0, 8(sp)
    lbu     a0, 0(zero)
    lhu     a5, 100(a4)
    lwu     a6, -100(a7)
    sb      a0, 0(a1)
    sh      s2, -2048(s3)
    sw      s4, 2047(s5)
    sd      ra, 8(sp)
    sd      zero, -8(t6)
    addi    a0, a1, 0
    addi    a0, zero, 0
    addi    a0, zero, -1
    addi    a0, zero, 2047
    addi    a0, zero, -2048
    addi    zero, zero, 0
    addi    zero, zero, 1
    addi    sp, sp, -16
    addi    t3, t4, 2047
    slti    a0, a1, -5
    sltiu   a0, a1, 1
    sltiu   a0, a1, 7
    sltiu   a0, a1, -1
    xori    a0, a1, -1
    xori    a0, a1, 255
    ori     a0, a1, 0
    ori     a0, a1, -2048
    andi    a0, a1, 255
    andi    a0, a1, -1
    slli    a0, a1, 0
    slli    a0, a1, 63
    srli    a0, a1, 1
    srli    a0, a1, 32
    srai    a0, a1, 63
    srai    s11, s10, 5
    add     a0, a1, a2
    add     a0, zero, a2
    add     a0, a2, zero
    add     zero, zero, zero
    sub     a0, a1, a2
    sub     a0, zero, a2
    sll     a0, a1, a2
    slt     a0, a1, a2
    slt     a0, a1, zero
    slt     a0, zero, a2
    sltu    a0, a1, a2
    sltu    a0, zero, a2
    sltu    a0, a1, zero
    xor     a0, a1, a2
    srl     a0, a1, a2
    sra     a0, a1, a2
    or      a0, a1, a2
    and     a0, a1, a2
    addiw   a0, a1, 0
    addiw   a0, a1, -1
    addiw   a0, a1, 2047
    addiw   a0, zero, 5
    slliw   a0, a1, 31
    slliw   a0, a1, 0
    srliw   a0, a1, 31
    sraiw   a0, a1, 1
    addw    a0, a1, a2
    subw    a0, a1, a2
    subw    a0, zero, a2
    sllw    a0, a1, a2
    srlw    a0, a1, a2
    sraw    a0, a1, a2
    fence   iorw, iorw
    fence   rw, rw
    fence   r, w
    fence   w, r
    fence   i, o
    fence   io, rw
    .insn i MISC_MEM, 0, zero, zero, 0xf0   // fence iorw,0 (no successor set)
    fence.tso
    pause
    ecall
    ebreak

// --- Zifencei, Zicsr (chapters 6 and 7) ---
    fence.i
    csrrw   a0, mstatus, a1
    csrrw   zero, mstatus, a1
    csrrw   a0, 0x7c0, a1
    csrrs   a0, misa, zero
    csrrs   a0, mhartid, zero
    csrrs   zero, mie, a1
    csrrs   a0, mie, a1
    csrrc   zero, mip, a1
    csrrc   a0, mip, a1
    csrrwi  zero, mtvec, 5
    csrrwi  a0, mtvec, 31
    csrrsi  zero, sstatus, 1
    csrrsi  a0, sstatus, 2
    csrrci  zero, sie, 0
    csrrci  a0, sie, 3
    csrrs   a0, cycle, zero
    csrrs   a0, time, zero
    csrrs   a0, instret, zero
    csrrs   a0, cycleh, zero
    csrrs   a0, fflags, zero
    csrrw   zero, fflags, a0
    csrrw   a1, fflags, a0
    csrrwi  zero, fflags, 3
    csrrwi  a1, fflags, 3
    csrrs   a0, frm, zero
    csrrw   zero, frm, a0
    csrrw   a1, frm, a0
    csrrwi  zero, frm, 1
    csrrwi  a1, frm, 1
    csrrs   a0, fcsr, zero
    csrrw   zero, fcsr, a0
    csrrw   a1, fcsr, a0
    csrrs   a0, satp, zero
    csrrs   a0, sepc, zero
    csrrs   a0, scause, zero
    csrrs   a0, stval, zero
    csrrs   a0, stvec, zero
    csrrs   a0, sscratch, zero
    csrrs   a0, scounteren, zero
    csrrs   a0, sip, zero
    csrrs   a0, senvcfg, zero
    csrrs   a0, mepc, zero
    csrrs   a0, mcause, zero
    csrrs   a0, mtval, zero
    csrrs   a0, mscratch, zero
    csrrs   a0, medeleg, zero
    csrrs   a0, mideleg, zero
    csrrs   a0, mcounteren, zero
    csrrs   a0, mcountinhibit, zero
    csrrs   a0, menvcfg, zero
    csrrs   a0, mvendorid, zero
    csrrs   a0, marchid, zero
    csrrs   a0, mimpid, zero
    csrrs   a0, mconfigptr, zero
    csrrs   a0, mcycle, zero
    csrrs   a0, minstret, zero
    csrrs   a0, mhpmcounter3, zero
    csrrs   a0, mhpmevent3, zero
    csrrs   a0, hpmcounter3, zero
    csrrs   a0, pmpcfg0, zero
    csrrs   a0, pmpaddr0, zero
    csrrs   a0, pmpaddr15, zero
    csrrs   a0, tselect, zero
    csrrs   a0, dcsr, zero
    csrrs   a0, 0x800, zero
    csrrs   a0, 0xfff, zero

// --- privileged (privileged spec 3.3, 4.2.1) ---
    sret
    mret
    wfi
    sfence.vma zero, zero
    sfence.vma a0, zero
    sfence.vma a0, a1
    sfence.vma zero, a1

// --- M (chapter 13) ---
    mul     a0, a1, a2
    mulh    a0, a1, a2
    mulhsu  a0, a1, a2
    mulhu   a0, a1, a2
    div     a0, a1, a2
    divu    a0, a1, a2
    rem     a0, a1, a2
    remu    a0, a1, a2
    mulw    a0, a1, a2
    divw    a0, a1, a2
    divuw   a0, a1, a2
    remw    a0, a1, a2
    remuw   a0, a1, a2

// --- A (chapter 14) ---
    lr.w        a0, (a1)
    lr.w.aq     a0, (a1)
    lr.w.rl     a0, (a1)
    lr.w.aqrl   a0, (a1)
    sc.w        a0, a2, (a1)
    sc.w.aq     a0, a2, (a1)
    amoswap.w   a0, a2, (a1)
    amoswap.w.aqrl a0, a2, (a1)
    amoadd.w    a0, a2, (a1)
    amoadd.w.rl zero, a2, (a1)
    amoxor.w    a0, a2, (a1)
    amoand.w    a0, a2, (a1)
    amoor.w     a0, a2, (a1)
    amomin.w    a0, a2, (a1)
    amomax.w    a0, a2, (a1)
    amominu.w   a0, a2, (a1)
    amomaxu.w   a0, a2, (a1)
    lr.d        a0, (a1)
    lr.d.aqrl   a0, (a1)
    sc.d        a0, a2, (a1)
    sc.d.rl     a0, a2, (a1)
    amoswap.d   a0, a2, (a1)
    amoadd.d    a0, a2, (a1)
    amoxor.d    a0, a2, (a1)
    amoand.d.aq a0, a2, (a1)
    amoor.d     a0, a2, (a1)
    amomin.d    a0, a2, (a1)
    amomax.d    a0, a2, (a1)
    amominu.d   a0, a2, (a1)
    amomaxu.d   a0, a2, (a1)

// --- F (chapter 20); every rounding mode appears on fadd.s ---
    flw         fa0, 0(a1)
    flw         ft11, -2048(sp)
    fsw         fs0, 2047(a0)
    fmadd.s     fa0, fa1, fa2, fa3
    fmadd.s     fa0, fa1, fa2, fa3, rne
    fmsub.s     fa0, fa1, fa2, fa3, rtz
    fnmsub.s    fa0, fa1, fa2, fa3, rdn
    fnmadd.s    fa0, fa1, fa2, fa3, rup
    fadd.s      fa0, fa1, fa2
    fadd.s      fa0, fa1, fa2, rne
    fadd.s      fa0, fa1, fa2, rtz
    fadd.s      fa0, fa1, fa2, rdn
    fadd.s      fa0, fa1, fa2, rup
    fadd.s      fa0, fa1, fa2, rmm
    fadd.s      fa0, fa1, fa2, dyn
    fsub.s      ft0, ft1, ft2
    fmul.s      fs0, fs1, fs2, rmm
    fdiv.s      ft8, ft9, ft10
    fsqrt.s     fa0, fa1
    fsqrt.s     fa0, fa1, rtz
    fsgnj.s     fa0, fa1, fa2
    fsgnj.s     fa0, fa1, fa1
    fsgnjn.s    fa0, fa1, fa2
    fsgnjn.s    fa0, fa1, fa1
    fsgnjx.s    fa0, fa1, fa2
    fsgnjx.s    fa0, fa1, fa1
    fmin.s      fa0, fa1, fa2
    fmax.s      fa0, fa1, fa2
    feq.s       a0, fa1, fa2
    flt.s       a0, fa1, fa2
    fle.s       a0, fa1, fa2
    fclass.s    a0, fa1
    fcvt.w.s    a0, fa1
    fcvt.w.s    a0, fa1, rtz
    fcvt.s.w    fa0, a1
    fcvt.s.w    fa0, a1, rne
    fcvt.wu.s   a0, fa1, rtz
    fcvt.s.wu   fa0, a1
    fcvt.l.s    a0, fa1, rdn
    fcvt.s.l    fa0, a1
    fcvt.lu.s   a0, fa1
    fcvt.s.lu   fa0, a1, rup
    fmv.x.w     a0, fa1
    fmv.w.x     fa0, a1

// --- D (chapter 21) ---
    fld         fa0, 0(a1)
    fld         ft11, -2048(sp)
    fsd         fs0, 2047(a0)
    fmadd.d     fa0, fa1, fa2, fa3
    fmsub.d     fa0, fa1, fa2, fa3, rtz
    fnmsub.d    fa0, fa1, fa2, fa3
    fnmadd.d    fa0, fa1, fa2, fa3, rmm
    fadd.d      fa0, fa1, fa2
    fadd.d      fa0, fa1, fa2, rtz
    fsub.d      fa0, fa1, fa2
    fmul.d      fa0, fa1, fa2, rdn
    fdiv.d      fa0, fa1, fa2
    fsqrt.d     fa0, fa1
    fsgnj.d     fa0, fa1, fa2
    fsgnj.d     fa0, fa1, fa1
    fsgnjn.d    fa0, fa1, fa2
    fsgnjn.d    fa0, fa1, fa1
    fsgnjx.d    fa0, fa1, fa2
    fsgnjx.d    fa0, fa1, fa1
    fmin.d      fa0, fa1, fa2
    fmax.d      fa0, fa1, fa2
    feq.d       a0, fa1, fa2
    flt.d       a0, fa1, fa2
    fle.d       a0, fa1, fa2
    fclass.d    a0, fa1
    fcvt.w.d    a0, fa1, rtz
    fcvt.w.d    a0, fa1
    fcvt.d.w    fa0, a1
    fcvt.wu.d   a0, fa1, rtz
    fcvt.d.wu   fa0, a1
    fcvt.l.d    a0, fa1, rtz
    fcvt.d.l    fa0, a1
    fcvt.d.l    fa0, a1, rne
    fcvt.lu.d   a0, fa1, rtz
    fcvt.d.lu   fa0, a1
    fmv.x.d     a0, fa1
    fmv.d.x     fa0, a1
    fcvt.s.d    fa0, fa1
    fcvt.s.d    fa0, fa1, rne
    fcvt.d.s    fa0, fa1

// --- Zba, Zbb, Zbs (bit-manipulation spec 2.1, 2.2, 2.4) ---
    sh1add      a0, a1, a2
    sh2add      a0, a1, a2
    sh3add      a0, a1, a2
    add.uw      a0, a1, a2
    add.uw      a0, a1, zero
    sh1add.uw   a0, a1, a2
    sh2add.uw   a0, a1, a2
    sh3add.uw   a0, a1, a2
    slli.uw     a0, a1, 0
    slli.uw     a0, a1, 63
    andn        a0, a1, a2
    orn         a0, a1, a2
    xnor        a0, a1, a2
    clz         a0, a1
    clzw        a0, a1
    ctz         a0, a1
    ctzw        a0, a1
    cpop        a0, a1
    cpopw       a0, a1
    max         a0, a1, a2
    maxu        a0, a1, a2
    min         a0, a1, a2
    minu        a0, a1, a2
    sext.b      a0, a1
    sext.h      a0, a1
    zext.h      a0, a1
    rol         a0, a1, a2
    rolw        a0, a1, a2
    ror         a0, a1, a2
    rorw        a0, a1, a2
    rori        a0, a1, 0
    rori        a0, a1, 63
    roriw       a0, a1, 31
    orc.b       a0, a1
    rev8        a0, a1
    bclr        a0, a1, a2
    bclri       a0, a1, 63
    bext        a0, a1, a2
    bexti       a0, a1, 0
    binv        a0, a1, a2
    binvi       a0, a1, 31
    bset        a0, a1, a2
    bseti       a0, a1, 1
forward:
    .option pop

// --- C (chapter 16): every form, with extreme immediates; the c.* mnemonics pin the encoding ---
    .option push
    .option rvc
cbackward:
    c.addi4spn  s0, sp, 4
    c.addi4spn  a5, sp, 1020
    c.addi4spn  a0, sp, 16
    c.fld       fs0, 0(s1)
    c.fld       fa5, 248(a5)
    c.lw        s0, 0(s1)
    c.lw        a5, 124(a5)
    c.lw        a0, 4(a1)
    c.ld        s0, 0(s1)
    c.ld        a5, 248(a5)
    c.fsd       fs1, 8(s0)
    c.fsd       fa5, 248(a5)
    c.sw        s1, 0(s0)
    c.sw        a5, 124(a5)
    c.sd        s1, 0(s0)
    c.sd        a5, 248(a5)
    c.nop
    c.addi      a0, 1
    c.addi      a0, -1
    c.addi      t6, 31
    c.addi      sp, -32
    c.addiw     a0, 0
    c.addiw     a0, -32
    c.addiw     s11, 31
    c.li        a0, 0
    c.li        a0, -32
    c.li        ra, 31
    c.addi16sp  sp, 16
    c.addi16sp  sp, -512
    c.addi16sp  sp, 496
    c.lui       a0, 1
    c.lui       t6, 0x1f
    c.lui       ra, 0xfffe0
    c.lui       s0, 0xfffff
    c.srli      s0, 1
    c.srli      a5, 63
    c.srai      s0, 32
    c.srai      a5, 1
    c.andi      s0, 0
    c.andi      a5, -32
    c.andi      a0, 31
    c.sub       s0, s1
    c.sub       a5, a4
    c.xor       s0, s1
    c.or        a0, a1
    c.and       a2, a3
    c.subw      s0, s1
    c.addw      a5, a0
    c.j         cbackward
    c.j         cforward
    c.beqz      s0, cbackward
    c.beqz      a5, cforward
    c.bnez      a0, cbackward
    c.bnez      a1, cforward
    c.slli      a0, 1
    c.slli      t6, 63
    c.slli      ra, 32
    c.fldsp     fa0, 0(sp)
    c.fldsp     ft11, 504(sp)
    c.lwsp      a0, 0(sp)
    c.lwsp      ra, 252(sp)
    c.ldsp      a0, 8(sp)
    c.ldsp      ra, 504(sp)
    c.jr        ra
    c.jr        a0
    c.mv        a0, a1
    c.mv        t6, ra
    c.ebreak
    c.jalr      a0
    c.jalr      ra
    c.add       a0, a1
    c.add       sp, t6
    c.fsdsp     fa0, 0(sp)
    c.fsdsp     ft11, 504(sp)
    c.swsp      a0, 0(sp)
    c.swsp      ra, 252(sp)
    c.sdsp      a0, 8(sp)
    c.sdsp      ra, 504(sp)
cforward:
    c.nop
    .option pop
