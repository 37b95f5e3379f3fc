// Hello world: the root task prints one line, one seL4_DebugPutChar per character (as
// printf does on a debug kernel), and returns; the root task then suspends itself.
import { println } from '@tsel4/sel4utils';

export default function* main() {
  yield* println('hello, world');
}
