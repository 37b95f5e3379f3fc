/*
 * tsel4 libsel4: attribute and helper macros that libsel4 code and its users rely on.
 * Written for tsel4's native bridge (see the package README); not seL4's file.
 */
#pragma once

#define LIBSEL4_INLINE static inline
#define LIBSEL4_INLINE_FUNC static inline
#define SEL4_PACKED __attribute__((packed))
#define SEL4_ALIGNED(n) __attribute__((aligned(n)))
#define SEL4_DEPRECATED(msg) __attribute__((deprecated(msg)))
#define SEL4_OFFSETOF(type, member) __builtin_offsetof(type, member)
/* Gives an enum the size of a word, as libsel4's enums have. */
#define SEL4_FORCE_LONG_ENUM(type) _enum_pad_##type = (1ULL << ((sizeof(long) * 8) - 1)) - 1
#define SEL4_COMPILE_ASSERT(name, expr) typedef int __assert_failed_##name[(expr) ? 1 : -1] __attribute__((unused))

#ifndef NDEBUG
#include <assert.h>
#define seL4_Assert(expr) assert(expr)
#define seL4_DebugAssert(expr) assert(expr)
#else
#define seL4_Assert(expr) ((void)0)
#define seL4_DebugAssert(expr) ((void)0)
#endif
#define seL4_Fail(msg) seL4_Assert(!(msg))
