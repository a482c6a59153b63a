// rebuttal-gpu: NTTs over BN254 Fr with sppark's kernels, on halo2curves' evaluation domains.
//
// sppark's own BN254 parameters use the roots of unity of generator 5; our domains (and
// halo2curves') use generator 7. The NTT kernels only read the root tables below, so we supply
// ours (bn254_fr_roots.h, generated from halo2curves and checked by gpu/tests/layout.rs) instead
// of sppark's, and get the CPU backend's outputs in the same order.
//
// Coset transforms with an arbitrary shift s are done here: multiply coefficient i by s^i before
// the forward NTT, or by s^-i after the inverse NTT (which already scales by 1/n).

#include "common.cuh"

#ifndef __CUDA_ARCH__
# include "bn254_fr_roots.h"
#endif
#include <ntt/ntt.cuh>

// NTT_internal (device-resident data, any order) is protected in sppark; expose it here.
struct rb_ntt : public NTT {
    using NTT::NTT_internal;
};

// values[i] *= base^i, each thread doing a contiguous run of `per_thread` values.
__global__ void rb_mul_by_powers(fr_t* values, size_t n, fr_t base, size_t per_thread)
{
    size_t start = ((size_t)blockIdx.x * blockDim.x + threadIdx.x) * per_thread;
    if (start >= n)
        return;
    // power = base^start by square-and-multiply.
    fr_t power = fr_t::one(), square = base;
    for (size_t e = start; e != 0; e >>= 1) {
        if (e & 1)
            power = power * square;
        square = square * square;
    }
    size_t end = start + per_thread < n ? start + per_thread : n;
    for (size_t i = start; i < end; i++) {
        values[i] = values[i] * power;
        power = power * base;
    }
}

#ifndef __CUDA_ARCH__
static_assert(sizeof(fr_t) == 32, "Fr is 4 limbs");

static void rb_powers(const gpu_t& gpu, fr_t* d_values, size_t n, const fr_t& base)
{
    const size_t per_thread = 64, threads = 256;
    size_t workers = (n + per_thread - 1) / per_thread;
    size_t blocks = (workers + threads - 1) / threads;
    rb_mul_by_powers<<<blocks, threads, 0, gpu>>>(d_values, n, base, per_thread);
    CUDA_OK(cudaGetLastError());
}

// In place on host memory, 2^lg_n values (Montgomery form), natural order in and out:
// forward (inverse = 0): coefficients → evaluations on the domain, or on coset·domain when
//   `coset` is non-null (coset = the shift s);
// inverse (inverse = 1): evaluations → coefficients, including the 1/n factor; with `coset`
//   non-null it must point to s^-1.
extern "C" void rebuttal_gpu_ntt(fr_t* values, uint32_t lg_n, int32_t inverse, const fr_t* coset, rb_status* st)
{
    rb_guard(st, inverse ? "inverse NTT" : "NTT", [&] {
        if (lg_n == 0)
            return;
        if (lg_n > MAX_LG_DOMAIN_SIZE) {
            rb_set(st, RB_HOST_ERROR, "NTT of 2^%u values exceeds the kernels' maximum 2^%d", lg_n, MAX_LG_DOMAIN_SIZE);
            return;
        }
        const gpu_t& gpu = select_gpu(0);
        size_t n = (size_t)1 << lg_n;
        dev_ptr_t<fr_t> d_values{n, gpu};
        gpu.HtoD(&d_values[0], values, n);
        if (coset != nullptr && !inverse)
            rb_powers(gpu, &d_values[0], n, *coset);
        rb_ntt::NTT_internal(&d_values[0], lg_n, NTT::InputOutputOrder::NN,
                             inverse ? NTT::Direction::inverse : NTT::Direction::forward, NTT::Type::standard, gpu);
        if (coset != nullptr && inverse)
            rb_powers(gpu, &d_values[0], n, *coset);
        gpu.DtoH(values, &d_values[0], n);
        gpu.sync();
    });
}
#endif
