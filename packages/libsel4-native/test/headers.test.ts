/*
 * The C headers: generated ones up to date with the tables, all of them compiling cleanly as C99
 * and C11, and every layout and number a C program sees equal to what the TypeScript ABI says
 * (a host program compiled against the headers prints them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x86_64 } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { bridgeStatus, generateHeaders, INCLUDE_DIR } from '../src/index.js';
import { CONTROL_BYTES, C as CTL, PRIVATE_IPC_OFFSET, SLOT_BYTES, W } from '../src/shim.js';

const status = bridgeStatus();
const cc = status.ok ? status.toolchain.cc : 'cc';
const RUNTIME = join(INCLUDE_DIR, '../runtime');

function compileAndRun(source: string, flags: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsel4-hdr-'));
  const src = join(dir, 'probe.c');
  writeFileSync(src, source);
  const exe = join(dir, 'probe');
  const c = spawnSync(cc, ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-I', INCLUDE_DIR, ...flags, src, '-o', exe], { encoding: 'utf8' });
  if (c.status !== 0) throw new Error(`compile failed:\n${c.stderr}`);
  const r = spawnSync(exe, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  return r.stdout;
}

describe('generated headers', () => {
  it('are what the tables generate (run `npm run gen -w @tsel4/libsel4-native` after changing a table)', () => {
    for (const [path, text] of generateHeaders()) {
      expect(readFileSync(join(INCLUDE_DIR, path), 'utf8'), path).toBe(text);
    }
  });

  it('declare a stub for every invocation of the interface table', () => {
    const client = generateHeaders().get('interfaces/sel4_client.h')!;
    for (const m of L.methodsOf('x86_64')) expect(client).toContain(`${L.stubName(m)}(${m.iface} _service`);
  });
});

describe.skipIf(!status.ok)(status.ok ? 'C headers against the C compiler' : `C headers against the C compiler — SKIPPED: ${status.reason}`, () => {
  it('compile with every warning as an error, as gnu99, gnu11 and c11', () => {
    const src = [
      '#include <sel4/sel4.h>',
      '#include <refsel4.h>',
      'int probe(void);',
      'int probe(void) { return (int)seL4_MessageInfo_get_length(seL4_MessageInfo_new(1, 0, 0, 2)); }',
      'int main(void) { return probe() == 2 ? 0 : 1; }',
    ].join('\n');
    for (const std of ['-std=gnu99', '-std=gnu11', '-std=c11']) {
      const dir = mkdtempSync(join(tmpdir(), 'tsel4-hdr-'));
      writeFileSync(join(dir, 'a.c'), src);
      const r = spawnSync(cc, [std, '-Wall', '-Wextra', '-Werror', '-I', INCLUDE_DIR, '-c', join(dir, 'a.c'), '-o', join(dir, 'a.o')], { encoding: 'utf8' });
      expect(r.stderr, std).toBe('');
      expect(r.status, std).toBe(0);
    }
  });

  it('give the syscalls, accessors and debug calls C libsel4\'s signatures', () => {
    // each entry: a function and the type C libsel4 (x86_64, classic) declares it with
    const sigs: [string, string][] = [
      ['seL4_Send', 'void (*)(seL4_CPtr, seL4_MessageInfo_t)'],
      ['seL4_SendWithMRs', 'void (*)(seL4_CPtr, seL4_MessageInfo_t, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *)'],
      ['seL4_NBSend', 'void (*)(seL4_CPtr, seL4_MessageInfo_t)'],
      ['seL4_NBSendWithMRs', 'void (*)(seL4_CPtr, seL4_MessageInfo_t, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *)'],
      ['seL4_Reply', 'void (*)(seL4_MessageInfo_t)'],
      ['seL4_ReplyWithMRs', 'void (*)(seL4_MessageInfo_t, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *)'],
      ['seL4_Signal', 'void (*)(seL4_CPtr)'],
      ['seL4_Recv', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_Word *)'],
      ['seL4_RecvWithMRs', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *)'],
      ['seL4_NBRecv', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_Word *)'],
      ['seL4_Call', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_MessageInfo_t)'],
      ['seL4_CallWithMRs', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_MessageInfo_t, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *)'],
      ['seL4_ReplyRecv', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_MessageInfo_t, seL4_Word *)'],
      ['seL4_ReplyRecvWithMRs', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_MessageInfo_t, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *, seL4_Word *)'],
      ['seL4_Yield', 'void (*)(void)'],
      ['seL4_Wait', 'void (*)(seL4_CPtr, seL4_Word *)'],
      ['seL4_Poll', 'seL4_MessageInfo_t (*)(seL4_CPtr, seL4_Word *)'],
      ['seL4_GetMR', 'seL4_Word (*)(int)'],
      ['seL4_SetMR', 'void (*)(int, seL4_Word)'],
      ['seL4_GetUserData', 'seL4_Word (*)(void)'],
      ['seL4_SetUserData', 'void (*)(seL4_Word)'],
      ['seL4_GetBadge', 'seL4_Word (*)(int)'],
      ['seL4_GetCap', 'seL4_CPtr (*)(int)'],
      ['seL4_SetCap', 'void (*)(int, seL4_CPtr)'],
      ['seL4_GetCapReceivePath', 'void (*)(seL4_CPtr *, seL4_CPtr *, seL4_Word *)'],
      ['seL4_SetCapReceivePath', 'void (*)(seL4_CPtr, seL4_CPtr, seL4_Word)'],
      ['seL4_GetIPCBuffer', 'seL4_IPCBuffer *(*)(void)'],
      ['seL4_SetIPCBuffer', 'void (*)(seL4_IPCBuffer *)'],
      ['seL4_GetBootInfo', 'seL4_BootInfo *(*)(void)'],
      ['seL4_DebugPutChar', 'void (*)(char)'],
      ['seL4_DebugPutString', 'void (*)(char *)'],
      ['seL4_DebugHalt', 'void (*)(void)'],
      ['seL4_DebugSnapshot', 'void (*)(void)'],
      ['seL4_DebugDumpScheduler', 'void (*)(void)'],
      ['seL4_DebugCapIdentify', 'seL4_Uint32 (*)(seL4_CPtr)'],
      ['seL4_DebugNameThread', 'void (*)(seL4_CPtr, const char *)'],
      ['seL4_MessageInfo_new', 'seL4_MessageInfo_t (*)(seL4_Uint64, seL4_Uint64, seL4_Uint64, seL4_Uint64)'],
      ['seL4_MessageInfo_get_label', 'seL4_Uint64 (*)(seL4_MessageInfo_t)'],
      ['seL4_MessageInfo_set_length', 'seL4_MessageInfo_t (*)(seL4_MessageInfo_t, seL4_Uint64)'],
      ['seL4_CapRights_new', 'seL4_CapRights_t (*)(seL4_Uint64, seL4_Uint64, seL4_Uint64, seL4_Uint64)'],
      ['seL4_CNode_CapData_new', 'seL4_CNode_CapData_t (*)(seL4_Uint64, seL4_Uint64)'],
      ['seL4_getFault', 'seL4_Fault_t (*)(seL4_MessageInfo_t)'],
      ['seL4_Untyped_Retype', 'seL4_Error (*)(seL4_Untyped, seL4_Word, seL4_Word, seL4_CNode, seL4_Word, seL4_Word, seL4_Word, seL4_Word)'],
      ['seL4_TCB_Configure', 'seL4_Error (*)(seL4_TCB, seL4_Word, seL4_CNode, seL4_Word, seL4_CPtr, seL4_Word, seL4_Word, seL4_CPtr)'],
      ['seL4_TCB_WriteRegisters', 'seL4_Error (*)(seL4_TCB, seL4_Bool, seL4_Uint8, seL4_Word, seL4_UserContext *)'],
      ['seL4_TCB_ReadRegisters', 'seL4_Error (*)(seL4_TCB, seL4_Bool, seL4_Uint8, seL4_Word, seL4_UserContext *)'],
      ['seL4_CNode_Mint', 'seL4_Error (*)(seL4_CNode, seL4_Word, seL4_Uint8, seL4_CNode, seL4_Word, seL4_Uint8, seL4_CapRights_t, seL4_Word)'],
      ['seL4_X86_Page_Map', 'seL4_Error (*)(seL4_X86_Page, seL4_CPtr, seL4_Word, seL4_CapRights_t, seL4_X86_VMAttributes)'],
      ['seL4_X86_Page_GetAddress', 'seL4_X86_Page_GetAddress_t (*)(seL4_X86_Page)'],
    ];
    const src = [
      '#include <sel4/sel4.h>',
      ...sigs.map(([f, t], i) => `_Static_assert(__builtin_types_compatible_p(__typeof__(&${f}), ${t}), "${f}"); typedef int unused_${i};`),
      'int main(void) { return 0; }',
    ].join('\n');
    expect(compileAndRun(src)).toBe('');
  });

  it('lay out the IPC buffer, bootinfo and seL4_UserContext as the TypeScript ABI does', () => {
    const out = compileAndRun(`
#include <sel4/sel4.h>
#include <stdio.h>
#include <stddef.h>
#define P(name, v) printf("%s %lu\\n", name, (unsigned long)(v))
int main(void) {
  P("ipc.size", sizeof(seL4_IPCBuffer));
  P("ipc.msg", offsetof(seL4_IPCBuffer, msg));
  P("ipc.userData", offsetof(seL4_IPCBuffer, userData));
  P("ipc.caps", offsetof(seL4_IPCBuffer, caps_or_badges));
  P("ipc.receiveCNode", offsetof(seL4_IPCBuffer, receiveCNode));
  P("ipc.receiveDepth", offsetof(seL4_IPCBuffer, receiveDepth));
  P("bi.ipcBuffer", offsetof(seL4_BootInfo, ipcBuffer));
  P("bi.empty", offsetof(seL4_BootInfo, empty));
  P("bi.extraBIPages", offsetof(seL4_BootInfo, extraBIPages));
  P("bi.initThreadCNodeSizeBits", offsetof(seL4_BootInfo, initThreadCNodeSizeBits));
  P("bi.untyped", offsetof(seL4_BootInfo, untyped));
  P("bi.untypedList", offsetof(seL4_BootInfo, untypedList));
  P("ut.size", sizeof(seL4_UntypedDesc));
  P("ut.sizeBits", offsetof(seL4_UntypedDesc, sizeBits));
  P("ut.isDevice", offsetof(seL4_UntypedDesc, isDevice));
  P("ctx.words", sizeof(seL4_UserContext) / sizeof(seL4_Word));
  P("ctx.rdi", offsetof(seL4_UserContext, rdi) / 8);
  P("ctx.fs_base", offsetof(seL4_UserContext, fs_base) / 8);
  P("msgmax", seL4_MsgMaxLength);
  P("extracaps", seL4_MsgMaxExtraCaps);
  P("tcbbits", seL4_TCBBits);
  P("sys.call", (seL4_Word)-seL4_SysCall);
  P("sys.debugname", (seL4_Word)-seL4_SysDebugNameThread);
  P("label.mint", CNodeMint);
  P("label.pagemap", X86PageMap);
  P("type.4k", seL4_X86_4K);
  P("type.count", seL4_ObjectTypeCount);
  P("err.notenough", seL4_NotEnoughMemory);
  P("fault.vm", seL4_Fault_VMFault);
  P("ue.number", seL4_UserException_Number);
  P("us.syscall", seL4_UnknownSyscall_Syscall);
  P("cap.ioportcontrol", seL4_CapIOPortControl);
  return 0;
}`);
    const got = Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ') as [string, string]).map(([k, v]) => [k, Number(v)]));
    const w = 8;
    const fl = L.faultLayout(x86_64);
    expect(got).toEqual({
      'ipc.size': 1 << x86_64.objects.ipcBufferSizeBits,
      'ipc.msg': L.IPCBUF_MSG * w,
      'ipc.userData': L.IPCBUF_USER_DATA * w,
      'ipc.caps': L.IPCBUF_CAPS_OR_BADGES * w,
      'ipc.receiveCNode': L.IPCBUF_RECEIVE_CNODE * w,
      'ipc.receiveDepth': L.IPCBUF_RECEIVE_DEPTH * w,
      'bi.ipcBuffer': L.bootInfoOffset(64, 'ipcBuffer'),
      'bi.empty': L.bootInfoOffset(64, 'empty'),
      'bi.extraBIPages': L.bootInfoOffset(64, 'extraBIPages'),
      'bi.initThreadCNodeSizeBits': L.bootInfoOffset(64, 'initThreadCNodeSizeBits'),
      'bi.untyped': L.bootInfoOffset(64, 'untyped'),
      'bi.untypedList': L.bootInfoOffset(64, 'untypedList'),
      'ut.size': 16,
      'ut.sizeBits': 8,
      'ut.isDevice': 9,
      'ctx.words': x86_64.userContext.length,
      'ctx.rdi': x86_64.userContextNames.indexOf('rdi'),
      'ctx.fs_base': x86_64.userContextNames.indexOf('fs_base'),
      msgmax: L.seL4_MsgMaxLength,
      extracaps: L.seL4_MsgMaxExtraCaps,
      tcbbits: x86_64.objects.tcbBits,
      'sys.call': -L.seL4_SysCall,
      'sys.debugname': -L.seL4_SysDebugNameThread,
      'label.mint': L.invocationLabel('x86_64', 'CNodeMint'),
      'label.pagemap': L.invocationLabel('x86_64', 'X86PageMap'),
      'type.4k': L.objectTypeByName('x86_64', 'seL4_X86_4K'),
      'type.count': L.objectTypeCount('x86_64'),
      'err.notenough': L.seL4_NotEnoughMemory,
      'fault.vm': L.seL4_Fault_VMFault,
      'ue.number': fl.userException.number,
      'us.syscall': fl.unknownSyscall.syscall,
      'cap.ioportcontrol': L.seL4_CapIOPortControl,
    });
  });

  it('number the x86_64 labels of a build without CONFIG_IOMMU, and of one with it under -DCONFIG_IOMMU', () => {
    // libsel4's enum puts each IOMMU method inside #if defined(CONFIG_IOMMU), so the labels after
    // them close up unless the program is compiled with the option (for a machine made with iommu: true)
    const all = [...L.GENERIC_METHODS, ...L.ARCH_METHODS.x86_64];
    const src = [
      '#include <sel4/sel4.h>',
      '#include <stdio.h>',
      'int main(void) {',
      ...all.map((m) =>
        m.condition === undefined
          ? `  printf("${m.label} %d\\n", (int)${m.label});`
          : `#if ${L.conditionToCpp(m.condition)}\n  printf("${m.label} %d\\n", (int)${m.label});\n#endif`,
      ),
      '  printf("nArchInvocationLabels %d\\n", (int)nArchInvocationLabels);',
      '  return 0;',
      '}',
    ].join('\n');
    const expected = (config: L.KernelConfig) => {
      const ms = L.methodsOf('x86_64', config);
      return [...ms.map((m) => `${m.label} ${m.labelNumber}`), `nArchInvocationLabels ${ms.length + 1}`].join('\n') + '\n';
    };
    const plain = compileAndRun(src);
    expect(plain).toBe(expected({}));
    expect(plain).toContain('X86PageGetAddress 41\nX86ASIDControlMakePool 42\nX86ASIDPoolAssign 43\nX86IOPortControlIssue 44\nX86IOPortIn8 45\n');
    const iommu = compileAndRun(src, ['-DCONFIG_IOMMU']);
    expect(iommu).toBe(expected({ iommu: true }));
    expect(iommu).toContain('X86PageMapIO 43\nX86PageGetAddress 44\n');
    expect(iommu).toContain('X86IOPortControlIssue 47\nX86IOPortIn8 48\n');
  });

  it('agree with the bridge shim on the slot and control page layout', () => {
    const out = compileAndRun(
      `#include "bridge.h"
#include <sel4/tsel4/regs.h>
#include <stdio.h>
int main(void) {
  printf("%u %u %u %u %u %u %u %u %u %u %u %u %u %u %u\\n", TSEL4_SLOT_BYTES, TSEL4_CONTROL_BYTES, TSEL4_NREGS,
         TSEL4_W_STOP, TSEL4_W_SIGNAL, TSEL4_W_TRAPNO, TSEL4_W_ERR, TSEL4_W_ADDR, TSEL4_W_PC, TSEL4_W_SP,
         TSEL4_W_IPCBUF, TSEL4_PRIVATE_IPC_OFFSET, TSEL4_C_SLOT, TSEL4_C_OP, TSEL4_C_RC);
  printf("%d\\n", tsel4_reg_count);
  return 0;
}`,
      ['-I', RUNTIME],
    );
    expect(out.trim().split('\n')).toEqual([
      [SLOT_BYTES, CONTROL_BYTES, W.NREGS, W.STOP, W.SIGNAL, W.TRAPNO, W.ERR, W.ADDR, W.PC, W.SP, W.IPCBUF, PRIVATE_IPC_OFFSET, CTL.SLOT, CTL.OP, CTL.RC].join(' '),
      String(x86_64.registers.length),
    ]);
  });
});

describe('when the bridge cannot run', () => {
  it('says what is missing, in one sentence', () => {
    // a fresh process with no compiler on hand
    const r = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '-e', "import('@tsel4/libsel4-native').then((m) => console.log(JSON.stringify(m.bridgeStatus())))"],
      { encoding: 'utf8', env: { ...process.env, CC: 'no-such-compiler-here' } },
    );
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      reason: process.platform === 'linux' && process.arch === 'x64'
        ? "no C compiler: 'no-such-compiler-here --version' did not run (install gcc or set CC)"
        : `the native C bridge runs on x86_64 Linux hosts; this is ${process.platform}/${process.arch}`,
    });
  });
});

describe('where the bridge is required', () => {
  it('is available when TSEL4_REQUIRE_NATIVE=1 (CI sets it, so the C tests cannot quietly skip there)', () => {
    const required = process.env['TSEL4_REQUIRE_NATIVE'] === '1';
    expect(required && !status.ok ? `the native bridge is required but cannot run: ${status.ok ? '' : status.reason}` : 'fine').toBe('fine');
  });
});
