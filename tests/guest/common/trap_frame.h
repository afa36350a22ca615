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

#endif
