/*
 * The kernel's capability type tags, as seL4_DebugCapIdentify reports them (the `capType` tags of
 * each arch's structures.bf). On 64-bit archs generic caps have even 5-bit tags and arch caps odd
 * ones; 32-bit archs use 4-bit tags for the common caps and 8-bit tags for the rest.
 */

import type { ArchName } from '@tsel4/hal';

const GENERIC_64 = {
  null_cap: 0,
  untyped_cap: 2,
  endpoint_cap: 4,
  notification_cap: 6,
  reply_cap: 8,
  cnode_cap: 10,
  thread_cap: 12,
  irq_control_cap: 14,
  irq_handler_cap: 16,
  zombie_cap: 18,
  domain_cap: 20,
};

const GENERIC_32 = {
  null_cap: 0,
  untyped_cap: 2,
  endpoint_cap: 4,
  notification_cap: 6,
  reply_cap: 8,
  cnode_cap: 10,
  thread_cap: 12,
  irq_control_cap: 0x0e,
  irq_handler_cap: 0x1e,
  zombie_cap: 0x2e,
  domain_cap: 0x3e,
};

/** Capability tags by arch, generic and arch caps together. */
export const CAP_TAGS: Readonly<Record<ArchName, Readonly<Record<string, number>>>> = {
  x86_64: {
    ...GENERIC_64,
    frame_cap: 1,
    page_table_cap: 3,
    page_directory_cap: 5,
    pdpt_cap: 7,
    pml4_cap: 9,
    asid_control_cap: 11,
    asid_pool_cap: 13,
    io_space_cap: 15,
    io_page_table_cap: 17,
    io_port_cap: 19,
    io_port_control_cap: 31,
  },
  aarch64: {
    ...GENERIC_64,
    frame_cap: 1,
    page_table_cap: 3,
    vspace_cap: 9,
    asid_control_cap: 11,
    asid_pool_cap: 13,
    sgi_signal_cap: 27,
  },
  riscv64: {
    ...GENERIC_64,
    frame_cap: 1,
    page_table_cap: 3,
    asid_control_cap: 11,
    asid_pool_cap: 13,
  },
  ia32: {
    ...GENERIC_32,
    frame_cap: 1,
    page_table_cap: 3,
    page_directory_cap: 5,
    asid_control_cap: 9,
    asid_pool_cap: 11,
    io_space_cap: 13,
    io_page_table_cap: 0x0f,
    io_port_cap: 0x1f,
  },
  aarch32: {
    ...GENERIC_32,
    small_frame_cap: 1,
    frame_cap: 3,
    asid_pool_cap: 5,
    page_table_cap: 7,
    page_directory_cap: 9,
    asid_control_cap: 11,
  },
};
