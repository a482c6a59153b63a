// rebuttal-gpu: run-time detection of a usable CUDA device.

#include "common.cuh"

#include <util/gpu_t.cuh>

// What the Rust side reports about the device the backend runs on (device 0 of sppark's list).
struct rb_device_info {
    char name[256];
    int32_t major, minor;          // compute capability
    int32_t sm_count;
    uint64_t total_memory;         // bytes
    int32_t driver_version;        // e.g. 13000 for CUDA 13.0
    int32_t runtime_version;
};

__global__ void rb_probe_kernel(int* out)
{
    *out = 42;
}

#ifndef __CUDA_ARCH__
extern "C" void rebuttal_gpu_probe(rb_device_info* info, rb_status* st)
{
    rb_guard(st, "device probe", [&] {
        int driver = 0, runtime = 0;
        (void)cudaRuntimeGetVersion(&runtime);
        // The runtime is linked statically and loads libcuda.so.1 itself: no driver, version 0.
        if (cudaDriverGetVersion(&driver) != cudaSuccess || driver == 0) {
            rb_set(st, RB_NO_DRIVER, "no NVIDIA driver: libcuda.so.1 could not be loaded");
            return;
        }
        int count = 0;
        cudaError_t err = cudaGetDeviceCount(&count);
        if (err == cudaErrorInsufficientDriver) {
            rb_set(st, RB_DRIVER_TOO_OLD,
                   "the NVIDIA driver supports CUDA %d.%d but the kernels were built with CUDA %d.%d: update the driver",
                   driver / 1000, driver % 1000 / 10, runtime / 1000, runtime % 1000 / 10);
            return;
        }
        if (err == cudaErrorNoDevice || (err == cudaSuccess && count == 0)) {
            rb_set(st, RB_NO_DEVICE, "the NVIDIA driver (CUDA %d.%d) sees no CUDA device", driver / 1000,
                   driver % 1000 / 10);
            return;
        }
        if (err != cudaSuccess) {
            rb_set(st, RB_CUDA_ERROR, "cudaGetDeviceCount failed: CUDA error %d (%s)", (int)err,
                   cudaGetErrorString(err));
            return;
        }
        if (ngpus() == 0) {
            rb_set(st, RB_UNSUPPORTED,
                   "%d CUDA device(s) found but none has compute capability 7.0 or newer with cooperative launch",
                   count);
            return;
        }
        const gpu_t& gpu = select_gpu(0);
        const cudaDeviceProp& prop = gpu.props();
        snprintf(info->name, sizeof(info->name), "%s", prop.name);
        info->major = prop.major;
        info->minor = prop.minor;
        info->sm_count = prop.multiProcessorCount;
        info->total_memory = prop.totalGlobalMem;
        info->driver_version = driver;
        info->runtime_version = runtime;

        // A kernel launch proves that this binary carries code for the device's architecture.
        dev_ptr_t<int> d_out{1};
        rb_probe_kernel<<<1, 1, 0, gpu>>>(&d_out[0]);
        err = cudaGetLastError();
        if (err == cudaErrorNoKernelImageForDevice || err == cudaErrorUnsupportedPtxVersion) {
            rb_set(st, RB_NO_KERNEL_IMAGE,
                   "%s (sm_%d%d) cannot run the kernels (%s): rebuild with REBUTTAL_CUDA_ARCHS including %d%d",
                   prop.name, prop.major, prop.minor, cudaGetErrorString(err), prop.major, prop.minor);
            return;
        }
        CUDA_OK(err);
        int out = 0;
        gpu.DtoH(&out, &d_out[0], 1);
        gpu.sync();
        if (out != 42) {
            rb_set(st, RB_CUDA_ERROR, "%s: the probe kernel did not run", prop.name);
        }
    });
}
#endif
