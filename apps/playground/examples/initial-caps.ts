// The initial capabilities: the root task's CNode holds a cap to each thing it starts with, at
// fixed slots (seL4_CapInitThreadTCB = 1, ...). seL4_DebugCapIdentify tells each slot's cap type.
// Select the root task in the CSpace view to see them drawn.
import * as L from '@tsel4/libsel4';
import { println } from '@tsel4/sel4utils';

const NAMES: [string, number][] = [
  ['seL4_CapInitThreadTCB', L.seL4_CapInitThreadTCB],
  ['seL4_CapInitThreadCNode', L.seL4_CapInitThreadCNode],
  ['seL4_CapInitThreadVSpace', L.seL4_CapInitThreadVSpace],
  ['seL4_CapIRQControl', L.seL4_CapIRQControl],
  ['seL4_CapASIDControl', L.seL4_CapASIDControl],
  ['seL4_CapInitThreadASIDPool', L.seL4_CapInitThreadASIDPool],
  ['seL4_CapBootInfoFrame', L.seL4_CapBootInfoFrame],
  ['seL4_CapInitThreadIPCBuffer', L.seL4_CapInitThreadIPCBuffer],
  ['seL4_CapDomain', L.seL4_CapDomain],
];

export default function* main() {
  for (const [name, slot] of NAMES) {
    const tag = yield* L.seL4_DebugCapIdentify(slot);
    yield* println(`slot ${slot} ${name}: cap tag ${tag}`);
  }
  const empty = L.seL4_GetBootInfo().empty.start;
  yield* println(`slot ${empty} (the first empty one): cap tag ${yield* L.seL4_DebugCapIdentify(empty)}`);
}
