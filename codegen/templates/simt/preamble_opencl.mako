<%doc> OpenCL C 1.2 definitions of the SIMT macros and atomics. Context: double_support, double_atomics,
neurons_per_thread, unroll_hint. </%doc>\
% if double_support:
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
% endif
% if double_atomics:
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
% endif
/* No a*b+c -> fma contraction: results then match the C backend bit for bit. */
#pragma OPENCL FP_CONTRACT OFF
#define GENN_KERNEL __kernel void
#define GENN_GLOBAL __global
#define GENN_LOCAL __local
#define GENN_CONSTANT __constant
% if neurons_per_thread > 1:
/* each thread prefetches the first Philox block of its neurons (see genn_philox_tile) */
#define GENN_RNG_TILE ${neurons_per_thread}u
% endif
#define GENN_GLOBAL_ID ((uint32_t)get_global_id(0))
#define GENN_LOCAL_ID ((uint32_t)get_local_id(0))
#define GENN_BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define GENN_RESTRICT restrict
#define GENN_FUNCTION static
#define GENN_INLINE static inline
/* a kernel's timestep is its argument */
#define GENN_TIMESTEP(arg) (arg)
/* Before loops with a short trip count known at generation time (a -D option may replace it). */
#ifndef GENN_UNROLL_HINT
#define GENN_UNROLL_HINT ${unroll_hint}
#endif

/* OpenCL 1.2 has no float atomic add: build it from compare-and-swap. */
static inline void genn_atomic_add_f(volatile __global float* address, float value) {
    union { uint u; float f; } old_value, new_value;
    do {
        old_value.f = *address;
        new_value.f = old_value.f + value;
    } while (atomic_cmpxchg((volatile __global uint*)address, old_value.u, new_value.u) != old_value.u);
}
% if double_atomics:
static inline void genn_atomic_add_d(volatile __global double* address, double value) {
    union { ulong u; double f; } old_value, new_value;
    do {
        old_value.f = *address;
        new_value.f = old_value.f + value;
    } while (atom_cmpxchg((volatile __global ulong*)address, old_value.u, new_value.u) != old_value.u);
}
% endif
static inline uint genn_atomic_inc_u32(volatile __global uint* address) { return atomic_inc(address); }
static inline void genn_atomic_or_local_u32(volatile __local uint* address, uint value) { atomic_or(address, value); }
static inline void genn_atomic_or_global_u32(volatile __global uint* address, uint value) { atomic_or(address, value); }
/* trailing zero bits of a non-zero word (BITMASK rows; OpenCL 1.2 has clz but not ctz) */
static inline uint genn_ctz_u32(uint x) { return 31u - clz(x & (0u - x)); }
