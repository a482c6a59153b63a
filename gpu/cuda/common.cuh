// rebuttal-gpu: types and error reporting shared by the CUDA glue files.
//
// Memory layouts (checked on the host by gpu/tests/layout.rs):
// - halo2curves Fr / Fq are 4 little-endian u64 limbs in Montgomery form with R = 2^256, which is
//   byte for byte sppark's alt_bn128 fr_t / fp_t (8 little-endian u32 limbs on the device).
// - halo2curves G1Affine is (x, y) with the identity encoded as (0, 0); sppark's Affine_t<fp_t>
//   is the same 64 bytes and also reads (0, 0) as the point at infinity.
// - MSM results are sppark's jacobian_t<fp_t> (X, Y, Z, Montgomery limbs); Z = 0 is infinity.

#ifndef REBUTTAL_GPU_COMMON_CUH
#define REBUTTAL_GPU_COMMON_CUH

#include <cuda_runtime.h>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>

#include <util/exception.cuh>
#include <util/rusterror.h>

#include <ec/jacobian_t.hpp>
#include <ec/xyzz_t.hpp>
#include <ff/alt_bn128.hpp>

using namespace alt_bn128;

typedef jacobian_t<fp_t> point_t;
typedef xyzz_t<fp_t> bucket_t;
typedef bucket_t::affine_t affine_t;
typedef fr_t scalar_t;

// Status codes; the Rust side (src/device/ffi.rs) mirrors them.
enum rb_code : int32_t {
    RB_OK = 0,
    RB_NO_DRIVER = 1,        // libcuda.so.1 could not be loaded
    RB_DRIVER_TOO_OLD = 2,   // the driver predates the CUDA runtime the kernels were built with
    RB_NO_DEVICE = 3,        // the driver sees no CUDA device
    RB_UNSUPPORTED = 4,      // devices exist but none has compute capability >= 7.0 + cooperative launch
    RB_NO_KERNEL_IMAGE = 5,  // the kernels were not compiled for this device's architecture
    RB_CUDA_ERROR = 6,       // any other CUDA error
    RB_HOST_ERROR = 7,       // a C++ exception (e.g. host allocation failure)
};

// Filled by every entry point: code and a NUL-terminated message.
struct rb_status {
    int32_t code;
    char message[512];
};

#ifndef __CUDA_ARCH__
static inline void rb_set(rb_status* st, int32_t code, const char* fmt, ...)
{
    st->code = code;
    va_list args;
    va_start(args, fmt);
    vsnprintf(st->message, sizeof(st->message), fmt, args);
    va_end(args);
}

static inline void rb_ok(rb_status* st)
{
    st->code = RB_OK;
    st->message[0] = '\0';
}

// sppark reports failures as RustError{code = -cudaError, strdup'd message}: copy it, free it.
static inline void rb_from_rust_error(rb_status* st, const RustError& e, const char* what)
{
    if (e.code == 0) {
        rb_ok(st);
    } else {
        int cuda_code = e.code < 0 ? -e.code : e.code;
        rb_set(st, RB_CUDA_ERROR, "%s: CUDA error %d (%s)%s%s", what, cuda_code,
               cudaGetErrorString((cudaError_t)cuda_code), e.message ? ": " : "", e.message ? e.message : "");
    }
    free(e.message);
}

// Runs `body`, turning every exception into a status, so that none crosses the FFI boundary.
template<class F>
static inline void rb_guard(rb_status* st, const char* what, F body)
{
    try {
        rb_ok(st);
        body();
    } catch (const cuda_error& e) {
        int cuda_code = e.code() < 0 ? -e.code() : e.code();
        rb_set(st, RB_CUDA_ERROR, "%s: CUDA error %d: %s", what, cuda_code, e.what());
    } catch (const std::bad_alloc&) {
        rb_set(st, RB_HOST_ERROR, "%s: host memory allocation failed", what);
    } catch (const std::exception& e) {
        rb_set(st, RB_HOST_ERROR, "%s: %s", what, e.what());
    } catch (...) {
        rb_set(st, RB_HOST_ERROR, "%s: unknown C++ exception", what);
    }
}
#endif

#endif
