/* Trap frame of the guest trap entry points (assembly only; used by start.S and smp/start.S): FRAME
   bytes on the trap stack, slot n holding xn (slot 0: the mtvec vector index, -1 for BASE). */
#ifndef TERN_GUEST_TRAP_FRAME_H
#define TERN_GUEST_TRAP_FRAME_H

#define FRAME 256

/* Save every register but sp (x2) and t0 (x5, saved by the entry stub) into the frame at sp. */
.macro SAVE_REGS
  sd x1, 1*8(sp)
  sd x3, 3*8(sp)
  sd x4, 4*8(sp)
  .irp n, 6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\n, \n*8(sp)
  .endr
.endm

.macro RESTORE_REGS_AND_SP
  ld x1, 1*8(sp)
  ld x3, 3*8(sp)
  ld x4, 4*8(sp)
  .irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\n, \n*8(sp)
  .endr
  ld sp, 2*8(sp)
.endm

/* The whole S-mode trap entry: swap to the trap stack kept in sscratch, save the interrupted registers
   (slot 0 = -1: direct entry), call `handler` with the frame, restore and sret. */
.macro S_TRAP_ENTRY handler
  csrrw sp, sscratch, sp
  addi sp, sp, -FRAME
  sd t0, 5*8(sp)
  li t0, -1
  sd t0, 0(sp)
  SAVE_REGS
  csrr t0, sscratch
  sd t0, 2*8(sp)
  addi t0, sp, FRAME
  csrw sscratch, t0
  mv a0, sp
  call \handler
  RESTORE_REGS_AND_SP
  sret
.endm

#endif
