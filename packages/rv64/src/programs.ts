/*
 * Small RV64 programs, shared by the bench and the tests.
 *
 * `CRC32_LOOP`: bitwise CRC-32 (reflected, polynomial 0xEDB88320) of a buffer, the integer loop of
 * `rv64.mips`. In: a0 = buffer address, a1 = length (> 0), a2 = initial CRC (zero-extended),
 * t0 = 0xEDB88320 (zero-extended). Out: a2 = the CRC before the final inversion. Ends in EBREAK.
 * 62 instructions per byte, 5 of them compressed. The encoding is GNU as's output for:
 *
 *   outer: lbu t1,0(a0); xor a2,a2,t1; c.li t2,8
 *   inner: andi t3,a2,1; c.srli a2,1; sub t3,x0,t3; and t3,t3,t0; xor a2,a2,t3
 *          c.addi t2,-1; bne t2,x0,inner
 *          c.addi a0,1; c.addi a1,-1; c.bnez a1,outer; c.ebreak
 */

/** The program as 16-bit little-endian halfwords. */
export const CRC32_LOOP: readonly number[] = [
  0x4303, 0x0005, 0x4633, 0x0066, 0x43a1, 0x7e13, 0x0016, 0x8205, 0x0e33, 0x41c0, 0x7e33, 0x005e,
  0x4633, 0x01c6, 0x13fd, 0x96e3, 0xfe03, 0x0505, 0x15fd, 0xfde9, 0x9002,
];

/** Instructions CRC32_LOOP retires for `n` bytes, the final EBREAK excluded. */
export function crc32LoopInstructions(n: number): number {
  return 62 * n;
}

/** The program's bytes. */
export function halfwordsToBytes(h: readonly number[]): Uint8Array {
  const out = new Uint8Array(2 * h.length);
  h.forEach((v, i) => {
    out[2 * i] = v & 255;
    out[2 * i + 1] = v >>> 8;
  });
  return out;
}

/**
 * `PINGPONG`: a Call / ReplyRecv ping-pong between two threads, the loop of `rv64.ipc.rt_per_s`.
 * Server at offset PINGPONG_SERVER (a0 = endpoint cptr): Recv, then ReplyRecv for ever, one-word
 * replies. Client at PINGPONG_CLIENT (a0 = endpoint cptr, a1 = round trips > 0): Call with a
 * one-word message a1 times, then EBREAK. GNU as output for:
 *
 *   server: c.mv s1,a0; c.li a7,-5; ecall
 *   loop:   c.mv a0,s1; c.li a1,1; c.li a7,-2; ecall; c.j loop
 *   client: c.mv s1,a0; c.mv s0,a1
 *   loop:   c.mv a0,s1; c.li a1,1; c.li a7,-1; ecall; c.addi s0,-1; c.bnez s0,loop; c.ebreak
 */
export const PINGPONG: Uint8Array = new Uint8Array([
  170, 132, 237, 88, 115, 0, 0, 0, 38, 133, 133, 69, 249, 88, 115, 0, 0, 0, 221, 191, 170, 132, 46, 132, 38, 133,
  133, 69, 253, 88, 115, 0, 0, 0, 125, 20, 117, 248, 2, 144,
]);
export const PINGPONG_SERVER = 0;
export const PINGPONG_CLIENT = 0x14;
