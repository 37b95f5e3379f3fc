/*
 * sel4test vspace.c: a thread in a CSpace and VSpace of its own, unmapping a page after its
 * VSpace is deleted (ARM), and ASID pools: making one, making every one there is, one too many,
 * filling one with VSpaces, and a process in every pool touching its memory. And frames.c's
 * FRAMEDIPC0003: deleting the cap a frame was mapped through unmaps it.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, type Gen } from '../src/env.js';
import {
  allocEndpoint,
  allocObject,
  allocUntyped,
  cleanupHelper,
  cnodeCopy,
  cnodeDelete,
  createHelperProcess,
  createHelperThread,
  getFreeSlot,
  guardSkipWord,
  mapFrame,
  setHelperPriority,
  startHelper,
  waitForHelper,
} from '../src/helpers.js';
import { sel4test } from '../src/define.js';

function geometry() {
  return L.vspaceGeometry(L.currentThread().arch.name)!;
}
/** N_ASID_POOLS and ASID_POOL_SIZE. */
const nAsidPools = () => 2 ** geometry().seL4_NumASIDPoolsBits;
const asidPoolSize = () => 2 ** geometry().seL4_ASIDPoolIndexBits;

/** seL4_ARCH_ASIDControl_MakePool into a new slot; the error. */
function* makePool(env: Env, untyped: number, slot: number): Gen<number> {
  const wb = env.wordBits;
  switch (L.currentThread().arch.name) {
    case 'x86_64':
      return yield* L.seL4_X86_ASIDControl_MakePool(L.seL4_CapASIDControl, untyped, env.cspaceRoot, slot, wb);
    case 'aarch64':
      return yield* L.seL4_ARM_ASIDControl_MakePool(L.seL4_CapASIDControl, untyped, env.cspaceRoot, slot, wb);
    default:
      return yield* L.seL4_RISCV_ASIDControl_MakePool(L.seL4_CapASIDControl, untyped, env.cspaceRoot, slot, wb);
  }
}

/** seL4_ARCH_ASIDPool_Assign. */
function* assign(pool: number, vspace: number): Gen<number> {
  switch (L.currentThread().arch.name) {
    case 'x86_64':
      return yield* L.seL4_X86_ASIDPool_Assign(pool, vspace);
    case 'aarch64':
      return yield* L.seL4_ARM_ASIDPool_Assign(pool, vspace);
    default:
      return yield* L.seL4_RISCV_ASIDPool_Assign(pool, vspace);
  }
}

/** vka_alloc_vspace_root. */
function* allocVSpaceRoot(env: Env): Gen<number> {
  const arch = L.currentThread().arch.name;
  const name = arch === 'x86_64' ? 'seL4_X64_PML4Object' : arch === 'aarch64' ? 'seL4_ARM_VSpaceObject' : 'seL4_RISCV_PageTableObject';
  return yield* allocObject(env, L.objectTypeByName(arch, name)!);
}

/** A new ASID pool made from a fresh untyped; its cptr. */
function* newPool(env: Env, expect: number = L.seL4_NoError): Gen<number> {
  const untyped = yield* allocUntyped(env, L.currentThread().arch.objects.asidPoolBits);
  env.assert(untyped !== 0, 'an untyped for the pool');
  const slot = getFreeSlot(env);
  env.eq(yield* makePool(env, untyped, slot), expect, 'ASIDControl_MakePool');
  return slot;
}

describe('address spaces (vspace.c)', () => {
  sel4test('VSPACE0000', 'Test threads in different cspace/vspace', function* (env: Env) {
    const t = yield* createHelperProcess(env);
    yield* startHelper(env, t, function* remote_function(): Gen<number> {
      return 42;
    });
    env.assert((yield* waitForHelper(t)) === 42, 'the process returned 42');
    yield* cleanupHelper(env, t);
  });

  sel4test(
    'VSPACE0001',
    'Test unmapping a page after deleting the PD',
    function* (env: Env) {
      const mapAddr = 0x10000000;
      const arch = L.currentThread().arch.name;
      // a VSpace root (aarch64's top level), its three levels of page tables and a frame
      const vspace = yield* allocVSpaceRoot(env);
      const pud = yield* allocObject(env, L.objectTypeByName(arch, 'seL4_ARM_PageTableObject')!);
      const pd = yield* allocObject(env, L.objectTypeByName(arch, 'seL4_ARM_PageTableObject')!);
      const pt = yield* allocObject(env, L.objectTypeByName(arch, 'seL4_ARM_PageTableObject')!);
      const frame = yield* env.alloc.allocFrame();
      yield* assign(L.seL4_CapInitThreadASIDPool, vspace);
      const attr = L.seL4_ARM_Default_VMAttributes;
      env.eq(yield* L.seL4_ARM_PageTable_Map(pud, vspace, mapAddr, attr), L.seL4_NoError, 'map the page upper directory');
      env.eq(yield* L.seL4_ARM_PageTable_Map(pd, vspace, mapAddr, attr), L.seL4_NoError, 'map the page directory');
      env.eq(yield* L.seL4_ARM_PageTable_Map(pt, vspace, mapAddr, attr), L.seL4_NoError, 'map the page table');
      env.eq(yield* L.seL4_ARM_Page_Map(frame, vspace, mapAddr, L.seL4_AllRights, attr), L.seL4_NoError, 'map the frame');
      // delete the VSpace, then unmap the frame (whatever it answers, the kernel stays consistent)
      yield* cnodeDelete(env, vspace);
      yield* L.seL4_ARM_Page_Unmap(frame);
    },
    { boards: ['qemu-arm-virt'] },
  );

  sel4test('VSPACE0002', 'Test create ASID pool', function* (env: Env) {
    const pool = yield* newPool(env);
    // our VSpace already has an ASID
    env.eq(yield* assign(pool, env.pageDirectory), L.seL4_InvalidCapability, 'Assign of a VSpace that has an ASID');
    const vspaceRoot = yield* allocVSpaceRoot(env);
    env.eq(yield* assign(pool, vspaceRoot), L.seL4_NoError, 'Assign of a new VSpace root');
  });

  sel4test('VSPACE0003', 'Test create multiple ASID pools', function* (env: Env) {
    // one pool is already there
    for (let i = 0; i < nAsidPools() - 1; i++) yield* newPool(env);
  });

  sel4test('VSPACE0004', 'Test running out of ASID pools', function* (env: Env) {
    for (let i = 0; i < nAsidPools() - 1; i++) yield* newPool(env);
    // one more: there is none left
    yield* newPool(env, L.seL4_DeleteFirst);
  });

  sel4test(
    'VSPACE0005',
    'Test overassigning ASID pool',
    function* (env: Env) {
      const pool = yield* newPool(env);
      let i: number;
      for (i = 0; i < asidPoolSize(); i++) {
        const ret = yield* assign(pool, yield* allocVSpaceRoot(env));
        env.eq(ret, L.seL4_NoError, `Assign ${i}`);
        if (ret !== L.seL4_NoError) break;
      }
      env.eq(i, asidPoolSize(), 'VSpaces assigned');
      env.eq(yield* assign(pool, yield* allocVSpaceRoot(env)), L.seL4_DeleteFirst, 'one VSpace more than the pool holds');
    },
    { checkEvery: 100 },
  );

  sel4test(
    'VSPACE0006',
    'Test touching all available ASID pools',
    function* (env: Env) {
      for (let i = 0; i < nAsidPools() - 1; i++) {
        const pool = yield* newPool(env);
        const t = yield* createHelperProcess(env, `process ${i}`, pool);
        // the process's memory at 0x10000000 (sel4test's process has its image's data there)
        const frame = yield* env.alloc.allocFrame();
        yield* mapFrame(env, frame, 0x10000000, t.process!.vspace);
        yield* startHelper(
          env,
          t,
          function* incr_mem(tag: number): Gen<number> {
            yield* L.tsel4_write32(0x10000000, tag);
            return yield* L.tsel4_read32(0x10000000);
          },
          i,
        );
        env.eq(yield* waitForHelper(t), i, `process ${i} read back its tag`);
        yield* cleanupHelper(env, t);
      }
    },
    { checkEvery: 50 },
  );
});

describe('frames (frames.c)', () => {
  sel4test('FRAMEDIPC0003', 'Test that deleting a frame cap unmaps the frame', function* (env: Env) {
    const dest = 0x20000000;
    // a frame, and a copy of its cap to map it through
    const frameCap = yield* env.alloc.allocFrame();
    const frameCopy = getFreeSlot(env);
    env.eq(yield* cnodeCopy(env, frameCap, frameCopy, L.seL4_AllRights), L.seL4_NoError, 'copy the frame cap');
    yield* mapFrame(env, frameCopy, dest);
    // it is there
    yield* L.tsel4_write32(dest, 0);
    // delete the copy it was mapped through
    yield* cnodeDelete(env, frameCopy);
    // a thread that touches it faults
    const faultEp = yield* allocEndpoint(env);
    const faulter = yield* createHelperThread(env, 'faulter');
    yield* setHelperPriority(env, faulter, 100);
    const e = yield* L.seL4_TCB_SetSpace(faulter.thread.tcb, faultEp, env.cspaceRoot, guardSkipWord(env.wordBits - env.cspaceSizeBits), env.pageDirectory, L.seL4_NilData);
    env.eq(e, L.seL4_NoError, 'SetSpace on the faulter');
    yield* startHelper(
      env,
      faulter,
      function* touch_data_fault(data: number): Gen<number> {
        yield* L.tsel4_write8(data, 42);
        // still here: wake the handler with another fault rather than hang
        throw new Error('the store to the unmapped frame succeeded');
      },
      dest,
    );
    // the handler reports where the fault was
    const handler = yield* createHelperThread(env, 'handler');
    yield* setHelperPriority(env, handler, 100);
    yield* startHelper(
      env,
      handler,
      function* handle(fep: number): Gen<number> {
        const info = yield* L.seL4_Recv(fep);
        return L.seL4_MessageInfo_get_label(info) === L.seL4_Fault_VMFault ? L.seL4_GetMR(1) : 0xffffffff;
      },
      faultEp,
    );
    env.eq(yield* waitForHelper(handler), dest, 'the fault address');
    yield* cleanupHelper(env, handler);
    yield* cleanupHelper(env, faulter);
  });
});

/** fill_memory: every word of [addr, addr + size) gets (its index from the end) ^ 0xbeefcafe. */
function* fillMemory(addr: number, size: number): Gen {
  let words = size / 8;
  let p = addr;
  while (words-- > 0) {
    yield* L.tsel4_write64(p, (words ^ 0xbeefcafe) >>> 0);
    p += 8;
  }
}

/** check_memory. */
function* checkMemory(addr: number, size: number): Gen<boolean> {
  let words = size / 8;
  let p = addr;
  while (words-- > 0) {
    if ((yield* L.tsel4_read64(p)) !== (words ^ 0xbeefcafe) >>> 0) return false;
    p += 8;
  }
  return true;
}

describe('page tables (pagetables.c)', () => {
  sel4test(
    'PT0001',
    'Fun with page tables on ARM',
    function* (env: Env) {
      const arch = L.currentThread().arch.name;
      const ptType = L.objectTypeByName(arch, 'seL4_ARM_PageTableObject')!;
      const LPAGE_SIZE = 2 ** 21;
      const PAGE_SIZE_4K = 4096;
      const attr = L.seL4_ARM_Default_VMAttributes;
      const pd = env.pageDirectory;
      // frames to play with, and a page table
      const smallPage = yield* allocObject(env, L.objectTypeByName(arch, 'seL4_ARM_SmallPageObject')!);
      yield* allocObject(env, L.objectTypeByName(arch, 'seL4_ARM_SmallPageObject')!);
      const largePage = yield* allocObject(env, L.objectTypeByName(arch, 'seL4_ARM_LargePageObject')!);
      let pt = yield* allocObject(env, ptType);
      // free address space for a couple of large pages, aligned to two of them. Like a sel4utils
      // reservation it has the paging levels above the page directory, and no page table: the
      // levels a large page needs are made as its mapping asks for them, then it is unmapped.
      const vstart = 0x4000_0000;
      for (;;) {
        const e = yield* L.seL4_ARM_Page_Map(largePage, pd, vstart + LPAGE_SIZE, L.seL4_AllRights, attr);
        if (e === 0) break;
        env.assert(e === L.seL4_FailedLookup, `setting up the reservation: ${L.seL4_ErrorName(e)}`);
        env.assert((yield* L.seL4_ARM_PageTable_Map(yield* allocObject(env, ptType), pd, vstart + LPAGE_SIZE, attr)) === 0, 'an upper level');
      }
      env.assert((yield* L.seL4_ARM_Page_Unmap(largePage)) === 0, 'the reservation is empty');

      // the large page at an address it is not aligned to
      env.eq(yield* L.seL4_ARM_Page_Map(largePage, pd, vstart + LPAGE_SIZE / 2, L.seL4_AllRights, attr), L.seL4_AlignmentError, 'misaligned large page');
      // somewhere aligned
      env.eq(yield* L.seL4_ARM_Page_Map(largePage, pd, vstart + LPAGE_SIZE, L.seL4_AllRights, attr), 0, 'aligned large page');
      // unmap it and again
      env.eq(yield* L.seL4_ARM_Page_Unmap(largePage), 0, 'unmap the large page');
      env.eq(yield* L.seL4_ARM_Page_Map(largePage, pd, vstart + LPAGE_SIZE, L.seL4_AllRights, attr), 0, 'map it again');
      yield* fillMemory(vstart + LPAGE_SIZE, LPAGE_SIZE);
      // nothing mapped
      env.eq(yield* L.seL4_ARM_Page_Unmap(largePage), 0, 'unmap it');
      // the large page in two places
      env.eq(yield* L.seL4_ARM_Page_Map(largePage, pd, vstart, L.seL4_AllRights, attr), 0, 'map it at vstart');
      env.eq(yield* L.seL4_ARM_Page_Map(largePage, pd, vstart + LPAGE_SIZE, L.seL4_AllRights, attr), L.seL4_InvalidArgument, 'remap to another address');
      // what we wrote is still there
      env.assert(yield* checkMemory(vstart, LPAGE_SIZE), 'the large page kept its contents');
      env.eq(yield* L.seL4_ARM_Page_Unmap(largePage), 0, 'unmap everything');
      // a small page where there is no page table
      env.eq(yield* L.seL4_ARM_Page_Map(smallPage, pd, vstart, L.seL4_AllRights, attr), L.seL4_FailedLookup, 'small page without a page table');
      // a page table at an unaligned address: the kernel truncates the address
      env.eq(yield* L.seL4_ARM_PageTable_Map(pt, pd, vstart + LPAGE_SIZE + 10, attr), 0, 'page table at an unaligned address');
      env.eq(yield* L.seL4_ARM_Page_Map(smallPage, pd, vstart + LPAGE_SIZE + PAGE_SIZE_4K, L.seL4_AllRights, attr), 0, 'small page');
      yield* fillMemory(vstart + LPAGE_SIZE + PAGE_SIZE_4K, PAGE_SIZE_4K);
      // pull the plug on the page table
      env.eq(yield* L.seL4_CNode_Delete(env.cspaceRoot, pt, env.wordBits), 0, 'delete the page table');
      env.eq(yield* L.seL4_ARM_Page_Unmap(smallPage), 0, 'unmap the small page');
      env.eq(yield* L.seL4_ARM_Page_Unmap(largePage), 0, 'unmap the large page');
      pt = yield* allocObject(env, ptType);
      // the page table somewhere new
      env.eq(yield* L.seL4_ARM_PageTable_Map(pt, pd, vstart, attr), 0, 'map a new page table');
      // the small and the large page back
      env.eq(yield* L.seL4_ARM_Page_Map(smallPage, pd, vstart + PAGE_SIZE_4K, L.seL4_AllRights, attr), 0, 'small page back');
      env.eq(yield* L.seL4_ARM_Page_Map(largePage, pd, vstart + LPAGE_SIZE, L.seL4_AllRights, attr), 0, 'large page back');
      env.assert(yield* checkMemory(vstart + PAGE_SIZE_4K, PAGE_SIZE_4K), 'the small page kept its contents');
      env.assert(yield* checkMemory(vstart + LPAGE_SIZE, LPAGE_SIZE), 'the large page kept its contents');
      env.eq(yield* L.seL4_ARM_Page_Unmap(smallPage), 0, 'unmap the small page');
      env.eq(yield* L.seL4_ARM_Page_Unmap(largePage), 0, 'unmap the large page');
    },
    { boards: ['qemu-arm-virt'] },
  );
});

/** arch_frame_type.h: the frame sizes each arch has, largest first, and where each is mapped. */
function frameTypes(): { type: number; sizeBits: number }[] {
  const arch = L.currentThread().arch.name;
  const names =
    arch === 'x86_64'
      ? ['seL4_X64_HugePageObject', 'seL4_X86_LargePageObject', 'seL4_X86_4K']
      : arch === 'aarch64'
        ? ['seL4_ARM_LargePageObject', 'seL4_ARM_SmallPageObject']
        : ['seL4_RISCV_Giga_Page', 'seL4_RISCV_Mega_Page', 'seL4_RISCV_4K_Page'];
  return names.map((n) => {
    const type = L.objectTypeByName(arch, n) ?? L.smallPageObject(arch);
    return { type, sizeBits: L.objectType(arch, type)!.sizeBits ?? 12 };
  });
}

/** seL4_ARCH_Page_Map and seL4_ARCH_Page_Unmap, through the arch's page interface. */
function remap(frame: number, vaddr: number, attr: number): Gen<number> {
  const o = L.vspaceObjects(L.currentThread().arch.name)!;
  return L.invokeMethod(o.pageIface, 'Map', frame, [L.seL4_CapInitThreadVSpace, vaddr, L.seL4_AllRights, attr]) as Gen<number>;
}
function unmap(frame: number): Gen<number> {
  const o = L.vspaceObjects(L.currentThread().arch.name)!;
  return L.invokeMethod(o.pageIface, 'Unmap', frame, []) as Gen<number>;
}

/** touch_data: sixteen bytes spread over the frame hold `oldData`; write `newData` over them. */
function* touchData(env: Env, vaddr: number, oldData: number, newData: number, sizeBits: number): Gen {
  for (let i = 0; i < 16; i++) {
    const offset = (2 ** sizeBits / 16) * i;
    env.eq(yield* L.tsel4_read8(vaddr + offset), oldData, `byte ${offset} before`);
    yield* L.tsel4_write8(vaddr + offset, newData);
    env.eq(yield* L.tsel4_read8(vaddr + offset), newData, `byte ${offset} after`);
  }
}

describe('exported frames (frames.c)', () => {
  sel4test(
    'FRAMEEXPORTS0001',
    'Test that we can access all exported frames',
    function* (env: Env) {
      const types = frameTypes();
      // an address aligned for, and large enough to hold, the largest frame
      const vaddr = L.currentThread().arch.name === 'riscv64' ? 0x20_0000_0000 : 0x80_0000_0000;
      const attr = geometry().defaultVMAttributes;
      let memTotal = 0;
      for (const ft of types) {
        let once = false;
        for (;;) {
          // until the allocator runs out
          let frame: number;
          try {
            frame = yield* allocObject(env, ft.type);
          } catch {
            break;
          }
          once = true;
          memTotal += 2 ** ft.sizeBits;
          yield* mapFrame(env, frame, vaddr);
          yield* touchData(env, vaddr, 0, 0x55, ft.sizeBits);
          // mapped again where it is: the same memory
          env.eq(yield* remap(frame, vaddr, attr), L.seL4_NoError, 'Page_Map at the address it is mapped at');
          yield* touchData(env, vaddr, 0x55, 0x56, ft.sizeBits);
          env.eq(yield* unmap(frame), L.seL4_NoError, 'Page_Unmap');
        }
        env.assert(once, `at least one frame of 2^${ft.sizeBits} bytes`);
      }
      env.check(memTotal > 0, 'some memory was exported');
    },
    // the test's allocator is the board's RAM: a board of 2 GiB has room for one 1 GiB page
    { ramBytes: 2 * 1024 * 1024 * 1024, checkEvery: 200 },
  );
});
