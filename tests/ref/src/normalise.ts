/*
 * What may differ between tsel4's output for a reference scenario and the real kernel's: the
 * numbers that depend on the build (tests/ref/README.md: slot numbers, the empty-slot range, the
 * untyped count), and the message info read back after an NBRecv or Poll that wrote only the badge
 * (seL4 leaves that register as it was). Everything else must be identical.
 */

/** The output's lines with the build-dependent numbers masked. */
export function normalise(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) =>
      l
        .replace(/empty slots \[\d+\.\.\d+\), untypeds \d+/, 'empty slots [S..E), untypeds N')
        .replace(/\b(ep|ep_badged|ep_b11|ep_nogrant|ntfn|ntfn_b1|ntfn_b4)=\d+/g, '$1=SLOT')
        .replace(/empty slot \d+/, 'empty slot SLOT')
        .replace(/(NBRecv with no sender|Poll ntfn again \(idle\)|Poll ntfn \(worker signalled via received cap\)|NBRecv on ep with no sender) -> label=\d+ len=\d+ extraCaps=\d+ capsUnwrapped=0x[0-9a-f]+/, '$1 -> INFO'),
    );
}
