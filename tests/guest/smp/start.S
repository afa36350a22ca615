/* Startup and trap entry points of the multi-hart guest programs (see smp.h).
 *
 * Every hart starts here in M-mode (a0 = mhartid, a1 = device tree, from the reset ROM).  Each hart
 * sets up its own stacks and trap vectors from its mhartid; harts other than 0 must not touch .bss or
 * run C before hart 0 has cleared .bss, so they wait for smp_boot_flag, which lives in .data. */
#include "smp.h"
#include "trap_frame.h"
#define MSTATUS_FS_INITIAL (1 << 13)

  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  csrr t0, mhartid
  li t1, SMP_MAX_HARTS
  bgeu t0, t1, park            /* no stack for it: hart 0 fails on the device tree's hart count */
  mv tp, t0                    /* the hart id, readable in S-mode too (smp_hart) */
  la t1, smp_hart_areas
  li t2, SMP_HART_AREA
  mul t2, t2, t0
  add t1, t1, t2
  li t2, SMP_M_STACK_TOP
  add sp, t1, t2
  li t2, SMP_MTRAP_STACK_TOP
  add t2, t1, t2
  csrw mscratch, t2
  li t2, SMP_STRAP_STACK_TOP
  add t2, t1, t2
  csrw sscratch, t2
  la t2, smp_m_trap_entry
  csrw mtvec, t2
  la t2, smp_s_trap_entry
  csrw stvec, t2
  li t2, MSTATUS_FS_INITIAL
  csrs mstatus, t2
  csrwi fcsr, 0
  bnez t0, wait_for_boot
  mv s0, a1
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  mv a0, s0
  call smp_boot                /* counts the harts, then releases the others */
  j run
wait_for_boot:
  la t1, smp_boot_flag
1:
  lw t2, 0(t1)
  bnez t2, 2f
  pause
  j 1b
2:
  fence r, rw                  /* acquire: see hart 0's .bss clear and hart count */
run:
  mv a0, tp
  call smp_hart_entry          /* never returns */
park:
  wfi
  j park

  .text
  .balign 4
smp_m_trap_entry:
  csrrw sp, mscratch, sp
  addi sp, sp, -FRAME
  sd t0, 5*8(sp)
  li t0, -1
  sd t0, 0(sp)
  SAVE_REGS
  csrr t0, mscratch
  sd t0, 2*8(sp)
  addi t0, sp, FRAME
  csrw mscratch, t0
  mv a0, sp
  call smp_m_trap
  bnez a0, return_from_s
  RESTORE_REGS_AND_SP
  mret

/* The S-mode function of smp_run_in_s returned (its ecall at smp_s_exit): resume its M-mode caller
   with the function's a0, from the context saved at the base of this hart's area. */
return_from_s:
  ld a0, 10*8(sp)
  call hart_area
  ld ra, 0*8(t0)
  ld sp, 1*8(t0)
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
  ld s\n, (\n+2)*8(t0)
  .endr
  ret

  .balign 4
smp_s_trap_entry:
  S_TRAP_ENTRY smp_s_trap

/* t0 = base of this hart's area (clobbers t1 only; ra is the caller's). */
hart_area:
  la t0, smp_hart_areas
  li t1, SMP_HART_AREA
  mul t1, t1, tp
  add t0, t0, t1
  ret

/* u64 smp_run_in_s(u64 (*fn)(u64), u64 arg) */
  .globl smp_run_in_s
smp_run_in_s:
  mv t2, ra
  call hart_area
  mv ra, t2
  sd ra, 0*8(t0)
  sd sp, 1*8(t0)
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
  sd s\n, (\n+2)*8(t0)
  .endr
  li t1, 3 << 11
  csrc mstatus, t1
  li t1, 1 << 11               /* MPP = S */
  csrs mstatus, t1
  csrw mepc, a0
  mv a0, a1
  la ra, smp_s_exit
  li t1, SMP_S_STACK_TOP
  add sp, t0, t1
  mret

  .balign 4
  .globl smp_s_exit
smp_s_exit:
  ecall
  j smp_s_exit

  .data
  .balign 4
  .globl smp_boot_flag
smp_boot_flag:
  .word 0

  .bss
  .balign 4096
  .globl smp_hart_areas
smp_hart_areas:
  .skip SMP_MAX_HARTS * SMP_HART_AREA
