/*
 * tsel4 libsel4: everything a program for seL4 includes. The same C source that builds against
 * the real libsel4 (x86_64, classic kernel, debug build) builds against these headers and runs on
 * tsel4 through the native bridge. See packages/libsel4-native/README.md.
 */
#pragma once

#include <sel4/config.h>
#include <sel4/types.h>
#include <sel4/macros.h>
#include <sel4/functions.h>
#include <sel4/syscalls.h>
#include <interfaces/sel4_client.h>
#include <sel4/bootinfo.h>
#include <sel4/faults.h>
#include <sel4/constants.h>
#include <sel4/tsel4/libsel4_extras.h>
