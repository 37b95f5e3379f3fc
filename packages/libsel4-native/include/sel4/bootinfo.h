/*
 * tsel4 libsel4: where the root task finds its boot information.
 */
#pragma once

#include <sel4/bootinfo_types.h>

/* The root task's boot information (on tsel4 the bridge sets it before the root task starts). */
seL4_BootInfo *seL4_GetBootInfo(void);
/* Replace what seL4_GetBootInfo returns. */
void seL4_InitBootInfo(seL4_BootInfo *bi);
