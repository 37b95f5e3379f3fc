/*
 * tsel4 libsel4: the boot information the kernel gives the root task (classic kernel, x86_64).
 * The layout is the one @tsel4/libsel4's bootinfo.ts writes into the bootinfo frame.
 */
#pragma once

#include <sel4/types.h>

/* A range of root-CNode slots [start, end). */
typedef struct seL4_SlotRegion {
    seL4_Word start;
    seL4_Word end;
} seL4_SlotRegion;

/* One untyped capability given to the root task. */
typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen;
    seL4_NodeId nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty;
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits;
    seL4_Domain initThreadDomain;
    seL4_SlotRegion untyped;
    seL4_UntypedDesc untypedList[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
} seL4_BootInfo;

/* Header of an extra bootinfo chunk (tsel4 gives none: extraLen is 0). */
typedef struct seL4_BootInfoHeader {
    seL4_Word id;
    seL4_Word len;
} seL4_BootInfoHeader;

typedef enum {
    SEL4_BOOTINFO_HEADER_PADDING = 0,
    SEL4_BOOTINFO_HEADER_X86_VBE = 1,
    SEL4_BOOTINFO_HEADER_X86_MBMMAP = 2,
    SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP = 3,
    SEL4_BOOTINFO_HEADER_X86_FRAMEBUFFER = 4,
    SEL4_BOOTINFO_HEADER_X86_TSC_FREQ = 5,
    SEL4_BOOTINFO_HEADER_FDT = 6,
    SEL4_BOOTINFO_HEADER_NUM,
    SEL4_FORCE_LONG_ENUM(seL4_BootInfoID),
} seL4_BootInfoID;
