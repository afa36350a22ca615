# A bare program that misuses the UART (a 4-byte read of its 1-byte LSR), then
# powers off through the sifive,test finisher: -d guest_errors must report it.
    .section .text.start
    .global _start
_start:
    li t0, 0x10000005
    lw t1, 0(t0)             # UART registers are 1 byte wide
    li t0, 0x100000
    li t1, 0x5555            # finisher: pass
    sw t1, 0(t0)
hang:
    j hang
