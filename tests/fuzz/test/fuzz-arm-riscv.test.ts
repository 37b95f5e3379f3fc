/* Fuzz campaign, part 2 of 2 (with fuzz-pc99.test.ts: 80,000 steps in all). */
import { describe } from 'vitest';
import { campaign } from './campaign.js';

describe('fuzz on qemu-arm-virt and qemu-riscv-virt', () => {
  campaign([[201, 'qemu-arm-virt'], [202, 'qemu-arm-virt'], [203, 'qemu-arm-virt'], [301, 'qemu-riscv-virt'], [302, 'qemu-riscv-virt']]);
});
