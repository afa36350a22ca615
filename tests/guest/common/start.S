/* Startup, trap entry points and privilege-switch helpers shared by every guest program.
 *
 * Trap entry (M and S alike): swap sp with xscratch (which always holds the top of that mode's trap
 * stack), save all integer registers in a 32-slot frame (slot 0 holds the mtvec vector index, -1 for
 * the direct entry), call the C handler with the frame, restore and xRET.  The frame lets the handler
 * read the interrupted code's registers (e.g. ra for resuming after a fetch fault). */

#include "trap_frame.h"
#define MSTATUS_FS_INITIAL (1 << 13)

  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la t0, trap_entry
  csrw mtvec, t0
  la t0, __mtrap_stack_top
  csrw mscratch, t0
  la t0, s_trap_entry
  csrw stvec, t0
  la t0, __strap_stack_top
  csrw sscratch, t0
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrwi fcsr, 0
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  call harness_init
  call main
  tail test_exit

  .text
/* mtvec in vectored mode (privileged spec 3.1.7): exceptions enter at BASE, interrupt i at BASE+4*i.
   Each slot is exactly one 4-byte jump, so compressed encodings are disabled here. */
  .balign 256
  .globl mtvec_vector_table
mtvec_vector_table:
  .option push
  .option norvc
  j trap_entry
  .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j mvec_\n
  .endr
  .option pop

  .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
mvec_\n:
  csrrw sp, mscratch, sp
  addi sp, sp, -FRAME
  sd t0, 5*8(sp)
  li t0, \n
  j trap_common
  .endr

  .balign 4
  .globl trap_entry
trap_entry:
  csrrw sp, mscratch, sp
  addi sp, sp, -FRAME
  sd t0, 5*8(sp)
  li t0, -1
trap_common:
  sd t0, 0(sp)
  SAVE_REGS
  csrr t0, mscratch
  sd t0, 2*8(sp)
  addi t0, sp, FRAME
  csrw mscratch, t0
  mv a0, sp
  call m_trap_handler
  bnez a0, return_to_run_in_mode_caller
  RESTORE_REGS_AND_SP
  mret

/* The lower-privilege function returned (its ecall at lower_mode_exit): resume the M-mode caller of
   run_in_mode with the function's a0 as the result. */
return_to_run_in_mode_caller:
  ld a0, 10*8(sp)
  la t0, m_context
  ld ra, 0*8(t0)
  ld sp, 1*8(t0)
  ld s0, 2*8(t0)
  ld s1, 3*8(t0)
  .irp n, 2,3,4,5,6,7,8,9,10,11
  ld s\n, (\n+2)*8(t0)
  .endr
  ret

  .balign 4
  .globl s_trap_entry
s_trap_entry:
  S_TRAP_ENTRY s_trap_handler

/* u64 run_in_mode(u64 mode, u64 (*fn)(u64), u64 arg): call fn(arg) in privilege `mode` (0 = U,
   1 = S) on the lower stack and return its result in M-mode.  fn returns to lower_mode_exit, whose
   ecall the M trap handler recognises by its address. */
  .globl run_in_mode
run_in_mode:
  la t0, m_context
  sd ra, 0*8(t0)
  sd sp, 1*8(t0)
  sd s0, 2*8(t0)
  sd s1, 3*8(t0)
  .irp n, 2,3,4,5,6,7,8,9,10,11
  sd s\n, (\n+2)*8(t0)
  .endr
  li t0, 3 << 11
  csrc mstatus, t0
  andi a0, a0, 3
  slli a0, a0, 11
  csrs mstatus, a0
  csrw mepc, a1
  mv a0, a2
  la t0, lower_mode_va_offset
  ld t0, 0(t0)
  la ra, lower_mode_exit
  add ra, ra, t0
  la sp, __lower_stack_top
  add sp, sp, t0
  mret

  .balign 4
  .globl lower_mode_exit
lower_mode_exit:
  ecall
  j lower_mode_exit

/* s_forward_exit(result): the S handler's way to end run_in_mode when the lower function's final
   ecall was delegated to S (medeleg[8]): an ecall from S that the M handler also recognises. */
  .balign 4
  .globl s_forward_exit
s_forward_exit:
  ecall
  j s_forward_exit

  .bss
  .balign 8
  .globl lower_mode_va_offset
lower_mode_va_offset:
  .skip 8
m_context:
  .skip 14*8
