/*
 * tsel4 libsel4: the fixed-width integer types (x86_64).
 */
#pragma once

typedef signed char seL4_Int8;
typedef unsigned char seL4_Uint8;
typedef signed short seL4_Int16;
typedef unsigned short seL4_Uint16;
typedef signed int seL4_Int32;
typedef unsigned int seL4_Uint32;
typedef signed long seL4_Int64;
typedef unsigned long seL4_Uint64;

typedef seL4_Int8 seL4_Bool;
#define seL4_True 1
#define seL4_False 0
#define seL4_Null ((void *)0)

#define _seL4_int64_fmt l
#define SEL4_PRId64 "ld"
#define SEL4_PRIi64 "li"
#define SEL4_PRIu64 "lu"
#define SEL4_PRIx64 "lx"
