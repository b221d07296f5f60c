<%doc> CUDA C++ definitions of the SIMT macros and atomics. Context: unroll_hint. </%doc>\
#include <stdint.h>
#include <stdio.h>
/* Helpers every model gets but not every model uses: no "declared but never referenced" warnings. */
#pragma nv_diag_suppress 177
/* Kernels keep C linkage so that the runtime finds them by their plain names. */
#define GENN_KERNEL extern "C" __global__ void
#define GENN_GLOBAL
#define GENN_LOCAL __shared__
#define GENN_CONSTANT static __constant__ const
#define GENN_GLOBAL_ID ((uint32_t)(blockIdx.x * blockDim.x + threadIdx.x))
#define GENN_LOCAL_ID ((uint32_t)threadIdx.x)
#define GENN_BARRIER() __syncthreads()
#define GENN_RESTRICT __restrict__
#define GENN_FUNCTION static __device__
#define GENN_INLINE static __device__ __forceinline__
/* a kernel's timestep is the arena's timestep base plus its argument: a CUDA graph of steps
   keeps its arguments (0, 1, ...) and the host sets the base before each launch of it */
#define GENN_TIMESTEP(arg) (GENN_TIMESTEP_BASE + (arg))
#define GENN_UNROLL_HINT ${unroll_hint}

static __device__ __forceinline__ void genn_atomic_add_f(float* address, float value) { atomicAdd(address, value); }
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 600
static __device__ __forceinline__ void genn_atomic_add_d(double* address, double value) { atomicAdd(address, value); }
#else
/* double atomicAdd is native from sm_60; before that, build it from compare-and-swap. */
static __device__ __forceinline__ void genn_atomic_add_d(double* address, double value) {
    unsigned long long* const bits = (unsigned long long*)address;
    unsigned long long old_value = *bits, assumed;
    do {
        assumed = old_value;
        old_value = atomicCAS(bits, assumed, __double_as_longlong(__longlong_as_double(assumed) + value));
    } while (assumed != old_value);
}
#endif
/* Returns the value before the increment, like OpenCL's atomic_inc. */
static __device__ __forceinline__ uint32_t genn_atomic_inc_u32(uint32_t* address) { return atomicAdd(address, 1u); }
static __device__ __forceinline__ void genn_atomic_or_local_u32(uint32_t* address, uint32_t value) { atomicOr(address, value); }
static __device__ __forceinline__ void genn_atomic_or_global_u32(uint32_t* address, uint32_t value) { atomicOr(address, value); }
/* trailing zero bits of a non-zero word (BITMASK rows) */
static __device__ __forceinline__ uint32_t genn_ctz_u32(uint32_t x) { return (uint32_t)(__ffs((int)x) - 1); }
