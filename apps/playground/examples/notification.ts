// A notification: a word of bits. Each seL4_Signal ORs the signalling cap's badge into the word;
// seL4_Wait returns the word and clears it. Signals that arrive while nobody waits accumulate.
import * as L from '@tsel4/libsel4';
import { Allocator, hex, mint, println, spawn } from '@tsel4/sel4utils';

function* waiter(ntfn: number) {
  for (let i = 0; i < 2; i++) {
    const word = { value: 0 as L.seL4_Word };
    yield* L.seL4_Wait(ntfn, word);
    yield* println(`waiter: woke with word 0x${hex(word.value)}`);
  }
}

export default function* main() {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const ntfn = yield* alloc.allocObject(L.seL4_NotificationObject);
  const one = yield* mint(alloc, ntfn, 0b001);
  const two = yield* mint(alloc, ntfn, 0b010);
  const four = yield* mint(alloc, ntfn, 0b100);
  // nobody waits yet: these two accumulate in the word (0b110, the notification is Active)
  yield* L.seL4_Signal(two);
  yield* L.seL4_Signal(four);
  // the root task steps down below the waiter, which runs at once: its first Wait returns the
  // word without blocking, its second blocks until the next signal
  yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 100);
  yield* spawn(alloc, waiter, [ntfn], { priority: 200, name: 'waiter' });
  yield* println('root: signalling 0b001');
  yield* L.seL4_Signal(one);
}
