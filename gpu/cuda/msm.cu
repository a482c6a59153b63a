// rebuttal-gpu: multi-scalar multiplication over BN254 G1 with sppark's Pippenger.

#include "common.cuh"

#include <msm/pippenger.cuh>

typedef msm_t<bucket_t, point_t, affine_t, scalar_t> rb_msm_t;

#ifndef __CUDA_ARCH__
// The Rust side (src/device/cuda.rs) passes halo2curves values in place and reads 12 limbs back.
static_assert(sizeof(scalar_t) == 32, "Fr is 4 limbs");
static_assert(sizeof(affine_t) == 64, "G1Affine is (x, y)");
static_assert(sizeof(point_t) == 96, "an MSM result is (X, Y, Z)");

// Σ scalars[i]·points[i] for i < n; scalars in Montgomery form; points uploaded for this call.
extern "C" void rebuttal_gpu_msm(const affine_t* points, const scalar_t* scalars, size_t n, point_t* out,
                                 rb_status* st)
{
    rb_guard(st, "MSM", [&] {
        RustError e = mult_pippenger<bucket_t>(out, points, n, scalars, true);
        rb_from_rust_error(st, e, "MSM");
    });
}

// Uploads `n` points to the device and keeps them there; returns an owning handle (nullptr on error).
extern "C" void* rebuttal_gpu_bases_new(const affine_t* points, size_t n, rb_status* st)
{
    rb_msm_t* handle = nullptr;
    rb_guard(st, "uploading MSM bases", [&] {
        handle = new rb_msm_t(points, n);
        // The upload is asynchronous: surface its errors now rather than in the first MSM.
        CUDA_OK(cudaDeviceSynchronize());
    });
    if (st->code != RB_OK && handle != nullptr) {
        // Only reached after a failed synchronisation; the context is unusable, so the
        // destructor (which synchronises and would throw) is not run: the memory goes with it.
        handle = nullptr;
    }
    return handle;
}

// Σ scalars[i]·bases[i] over the first n resident bases (n ≤ the number uploaded).
extern "C" void rebuttal_gpu_bases_msm(void* handle, const scalar_t* scalars, size_t n, point_t* out, rb_status* st)
{
    rb_guard(st, "MSM over resident bases", [&] {
        auto* msm = static_cast<rb_msm_t*>(handle);
        RustError e = msm->invoke(*out, static_cast<const affine_t*>(nullptr), n, scalars, true);
        rb_from_rust_error(st, e, "MSM over resident bases");
    });
}

// Frees resident bases. If the device is in an error state the memory is left to the context.
extern "C" void rebuttal_gpu_bases_free(void* handle)
{
    if (handle != nullptr && cudaDeviceSynchronize() == cudaSuccess)
        delete static_cast<rb_msm_t*>(handle);
}
#endif
