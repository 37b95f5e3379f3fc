/* Fuzz campaign, part 1 of 2 (with fuzz-arm-riscv.test.ts: 80,000 steps in all). */
import { describe } from 'vitest';
import { campaign } from './campaign.js';

describe('fuzz on pc99', () => {
  campaign([[101, 'pc99'], [102, 'pc99'], [103, 'pc99'], [104, 'pc99'], [105, 'pc99']]);
});
