/*
 * The errors of each object invocation, beside the interface table (interface.ts): what libsel4's
 * interface XML (seL4 16.0.0, object-api*.xml, classic configuration) lists for each method, and
 * how the kernel's decoder of the method differs from that list. Keyed by the table's typed label
 * names, so every method has an entry and a misspelt one does not compile. The generated stubs'
 * TSDoc and the C headers' comments print both lists; tests/scenarios checks the decoders' lists
 * against what the decoding tables produce.
 */

import type { LabelName } from './interface.js';

/**
 * The errors of each method. First the list libsel4's interface XML (seL4 16.0.0,
 * object-api*.xml, classic configuration) gives for it, in its order; then, marked `+`, an error
 * the kernel's decoder returns for the method that the XML does not list (TruncatedMessage, most
 * often), and marked `-`, one the XML lists that the decoder of this method never returns (as a
 * rule InvalidCapability "for a cap of the wrong type": a cap of another type goes to that type's
 * decoder, which answers IllegalOperation). The stubs' TSDoc and the C headers' comments show
 * both lists. The decoder's list is worked out from seL4's decode functions for every method tsel4
 * decodes, except the ones it cannot fully reach on its boards (MapIO and IOPageTable without an
 * IOSpace cap: only their TruncatedMessage is added; SMC calls, SGI signals), which otherwise show
 * the XML's list as it is.
 */
const ERRORS: Readonly<Record<LabelName, string>> = {
  UntypedRetype: 'DeleteFirst FailedLookup -IllegalOperation InvalidArgument -InvalidCapability NotEnoughMemory RangeError +TruncatedMessage',
  TCBReadRegisters: 'IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  TCBWriteRegisters: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  TCBCopyRegisters: '-IllegalOperation InvalidCapability +TruncatedMessage',
  TCBConfigure: 'IllegalOperation -InvalidCapability RevokeFirst +AlignmentError +TruncatedMessage',
  TCBSetPriority: '-IllegalOperation InvalidCapability RangeError +TruncatedMessage',
  TCBSetMCPriority: '-IllegalOperation InvalidCapability RangeError +TruncatedMessage',
  TCBSetSchedParams: '-IllegalOperation InvalidCapability RangeError +TruncatedMessage',
  TCBSetIPCBuffer: 'AlignmentError IllegalOperation -InvalidCapability RevokeFirst +TruncatedMessage',
  TCBSetSpace: 'IllegalOperation -InvalidCapability RevokeFirst +TruncatedMessage',
  TCBSuspend: '-IllegalOperation -InvalidCapability',
  TCBResume: '-IllegalOperation -InvalidCapability',
  TCBBindNotification: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  TCBUnbindNotification: 'IllegalOperation -InvalidCapability',
  TCBSetTLSBase: '-IllegalOperation -InvalidCapability +TruncatedMessage',
  TCBSetFlags: '-InvalidCapability +TruncatedMessage',
  CNodeRevoke: 'FailedLookup -IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  CNodeDelete: 'FailedLookup -IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  CNodeCancelBadgedSends: 'FailedLookup IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  CNodeCopy: 'DeleteFirst FailedLookup IllegalOperation -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  CNodeMint: 'DeleteFirst FailedLookup IllegalOperation -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  CNodeMove: 'DeleteFirst FailedLookup -IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  CNodeMutate: 'DeleteFirst FailedLookup IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  CNodeRotate: 'DeleteFirst FailedLookup IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  CNodeSaveCaller: 'DeleteFirst FailedLookup -IllegalOperation -InvalidCapability RangeError +TruncatedMessage',
  IRQIssueIRQHandler: 'DeleteFirst FailedLookup IllegalOperation -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  IRQAckIRQ: '-IllegalOperation -InvalidCapability',
  IRQSetIRQHandler: '-IllegalOperation InvalidCapability +TruncatedMessage',
  IRQClearIRQHandler: '-IllegalOperation -InvalidCapability',
  DomainSetSet: '-IllegalOperation InvalidArgument -InvalidCapability +TruncatedMessage',
  DomainScheduleConfigure: '-IllegalOperation InvalidArgument RangeError +TruncatedMessage',
  DomainScheduleSetStart: '-IllegalOperation InvalidArgument RangeError +TruncatedMessage',
  X86PageDirectoryMap: 'DeleteFirst FailedLookup -IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  X86PageDirectoryUnmap: '-IllegalOperation -InvalidCapability RevokeFirst',
  X86PageDirectoryGetStatusBits: 'IllegalOperation InvalidArgument InvalidCapability',
  X86PageTableMap: 'DeleteFirst FailedLookup -IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  X86PageTableUnmap: '-IllegalOperation -InvalidCapability RevokeFirst',
  X86IOPageTableMap: 'DeleteFirst FailedLookup IllegalOperation InvalidCapability +TruncatedMessage',
  X86IOPageTableUnmap: 'IllegalOperation InvalidCapability',
  X86PageMap: 'AlignmentError DeleteFirst FailedLookup IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  X86PageUnmap: '-IllegalOperation -InvalidCapability',
  X86PageMapIO: 'DeleteFirst FailedLookup IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  X86PageGetAddress: '-IllegalOperation -InvalidCapability',
  X86ASIDControlMakePool: 'DeleteFirst FailedLookup -IllegalOperation InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  X86ASIDPoolAssign: 'DeleteFirst -IllegalOperation InvalidCapability +FailedLookup +TruncatedMessage',
  X86IOPortControlIssue: 'DeleteFirst FailedLookup -IllegalOperation InvalidArgument -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  X86IOPortIn8: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  X86IOPortIn16: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  X86IOPortIn32: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  X86IOPortOut8: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  X86IOPortOut16: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  X86IOPortOut32: 'IllegalOperation -InvalidCapability +TruncatedMessage',
  X86IRQIssueIRQHandlerIOAPIC: 'DeleteFirst FailedLookup -IllegalOperation -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  X86IRQIssueIRQHandlerMSI: 'DeleteFirst FailedLookup -IllegalOperation -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  ARMPageTableMap: 'DeleteFirst FailedLookup -IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  ARMPageTableUnmap: '-IllegalOperation -InvalidCapability RevokeFirst',
  ARMPageMap: 'AlignmentError -DeleteFirst FailedLookup -IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  ARMPageUnmap: '-IllegalOperation -InvalidCapability',
  ARMPageGetAddress: '-IllegalOperation -InvalidCapability',
  ARMASIDControlMakePool: 'DeleteFirst FailedLookup -IllegalOperation InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  ARMASIDPoolAssign: 'DeleteFirst FailedLookup -IllegalOperation InvalidCapability +TruncatedMessage',
  ARMIRQIssueIRQHandlerTrigger: 'DeleteFirst FailedLookup -IllegalOperation -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  ARMIRQIssueSGISignal: 'DeleteFirst FailedLookup -IllegalOperation -InvalidCapability RangeError InvalidArgument +TruncatedMessage',
  RISCVPageTableMap: 'DeleteFirst FailedLookup -IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  RISCVPageTableUnmap: '-IllegalOperation -InvalidCapability RevokeFirst',
  RISCVPageMap: 'AlignmentError DeleteFirst FailedLookup -IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  RISCVPageUnmap: '-IllegalOperation -InvalidCapability',
  RISCVPageGetAddress: '-IllegalOperation -InvalidCapability',
  RISCVASIDControlMakePool: 'DeleteFirst FailedLookup -IllegalOperation InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  RISCVASIDPoolAssign: 'DeleteFirst -IllegalOperation InvalidCapability +FailedLookup +TruncatedMessage',
  RISCVIRQIssueIRQHandlerTrigger: 'DeleteFirst FailedLookup -IllegalOperation -InvalidCapability RangeError RevokeFirst +TruncatedMessage',
  X86PDPTMap: 'DeleteFirst FailedLookup -IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  X86PDPTUnmap: '-IllegalOperation -InvalidCapability RevokeFirst',
  ARMSMCCall: '',
  ARMVSpaceClean_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError +TruncatedMessage',
  ARMVSpaceInvalidate_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError +TruncatedMessage',
  ARMVSpaceCleanInvalidate_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError +TruncatedMessage',
  ARMVSpaceUnify_Instruction: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError +TruncatedMessage',
  ARMPageClean_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  ARMPageInvalidate_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  ARMPageCleanInvalidate_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  ARMPageUnify_Instruction: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability +TruncatedMessage',
  ARMPDClean_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError',
  ARMPDInvalidate_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError',
  ARMPDCleanInvalidate_Data: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError',
  ARMPDUnify_Instruction: 'FailedLookup IllegalOperation InvalidArgument InvalidCapability RangeError',
};

/** What a method can fail with: the interface XML's list and what the kernel's decoder returns. */
export interface MethodErrors {
  /** As libsel4's interface XML lists them ('seL4_FailedLookup', ...). */
  readonly xml: readonly string[];
  /** What the kernel's decoder of the method returns (the XML's list, adjusted as marked). */
  readonly decoder: readonly string[];
}

/** The errors of the method labelled `label`. */
export function methodErrors(label: LabelName): MethodErrors {
  const xml: string[] = [];
  const decoder: string[] = [];
  for (const tok of ERRORS[label].split(/\s+/).filter(Boolean)) {
    const mark = tok[0] === '+' || tok[0] === '-' ? tok[0] : '';
    const name = `seL4_${mark === '' ? tok : tok.slice(1)}`;
    if (mark !== '+') xml.push(name);
    if (mark !== '-') decoder.push(name);
  }
  return { xml, decoder };
}
