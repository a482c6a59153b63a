//! Builds the CUDA kernels when feature `cuda` is on and `nvcc` is found; otherwise builds
//! nothing, so that `cargo build` and the test suite never need CUDA.
//!
//! Where nvcc is looked for, in order: env `NVCC` (a path or a name on PATH), `$CUDA_HOME/bin/nvcc`,
//! then `nvcc` on PATH. Target architectures: env `REBUTTAL_CUDA_ARCHS` (e.g. `80,90`; default
//! `80,90`), each compiled to SASS, plus PTX for the newest so newer GPUs can JIT it.
//!
//! With kernels built it sets cfg `rebuttal_cuda_kernels`. Either way it records in env
//! `REBUTTAL_GPU_BUILD_NOTE` (read with `env!`) how the crate was built, which the run-time
//! "no GPU backend" error quotes.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_ARCHS: &str = "80,90";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(rebuttal_cuda_kernels)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=cuda");
    for var in ["NVCC", "CUDA_HOME", "REBUTTAL_CUDA_ARCHS"] {
        println!("cargo::rerun-if-env-changed={var}");
    }

    if env::var_os("CARGO_FEATURE_CUDA").is_none() {
        note("built without CUDA kernels: the `cuda` cargo feature is off");
        return;
    }
    let Some(nvcc) = find_nvcc() else {
        let why = "nvcc was not found at build time (set NVCC or CUDA_HOME, or put nvcc on PATH)";
        println!("cargo::warning=rebuttal-gpu: feature `cuda` is on but building without CUDA kernels: {why}");
        note(&format!("built without CUDA kernels: {why}"));
        return;
    };
    let version = match nvcc_release(&nvcc) {
        Ok(v) => v,
        Err(e) => {
            let why = format!("{} does not run: {e}", nvcc.display());
            println!("cargo::warning=rebuttal-gpu: feature `cuda` is on but building without CUDA kernels: {why}");
            note(&format!("built without CUDA kernels: {why}"));
            return;
        }
    };
    compile_kernels(&nvcc, &version);
    println!("cargo::rustc-cfg=rebuttal_cuda_kernels");
    note(&format!("built with CUDA kernels by nvcc {version} ({})", nvcc.display()));
}

/// Records how the crate was built, for run-time messages.
fn note(text: &str) {
    println!("cargo::rustc-env=REBUTTAL_GPU_BUILD_NOTE={text}");
}

fn find_nvcc() -> Option<PathBuf> {
    if let Some(v) = env::var_os("NVCC") {
        let p = PathBuf::from(&v);
        return if p.components().count() > 1 { p.is_file().then_some(p) } else { search_path(&p) };
    }
    if let Some(home) = env::var_os("CUDA_HOME") {
        let p = Path::new(&home).join("bin").join("nvcc");
        if p.is_file() {
            return Some(p);
        }
    }
    search_path(Path::new("nvcc"))
}

fn search_path(name: &Path) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// `X.Y` from `nvcc --version` ("... release X.Y, VX.Y.Z").
fn nvcc_release(nvcc: &Path) -> Result<String, String> {
    let out = Command::new(nvcc).arg("--version").output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("`nvcc --version` exited with {}", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text.find("release ").ok_or("no \"release\" in `nvcc --version`")? + "release ".len();
    let end = text[start..].find(',').ok_or("unparsable `nvcc --version`")? + start;
    Ok(text[start..end].to_string())
}

fn compile_kernels(nvcc: &Path, version: &str) {
    let sppark = PathBuf::from(env::var("DEP_SPPARK_ROOT").expect("sppark's build script sets DEP_SPPARK_ROOT"));
    let blst = PathBuf::from(env::var("DEP_BLST_C_SRC").expect("blst's build script sets DEP_BLST_C_SRC"));
    let archs = env::var("REBUTTAL_CUDA_ARCHS").unwrap_or_else(|_| DEFAULT_ARCHS.to_string());
    let archs: Vec<u32> = archs
        .split([',', ';', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.trim().parse().unwrap_or_else(|_| panic!("REBUTTAL_CUDA_ARCHS: {s:?} is not a number like 90")))
        .collect();
    let newest = *archs.iter().max().expect("REBUTTAL_CUDA_ARCHS names at least one architecture");

    // cc finds nvcc through env NVCC (it must know the compiler is nvcc to translate host flags).
    // SAFETY: build scripts are single-threaded.
    unsafe { env::set_var("NVCC", nvcc) };
    let mut build = cc::Build::new();
    build.cuda(true).cudart("static").include(&sppark).include(&blst).include("cuda");
    // No device debug info: cc would pass -G, which turns device optimisation off.
    build.debug(false).warnings(false);
    build.flag("-std=c++17").flag("-O3").flag("--expt-relaxed-constexpr");
    // sppark returns error strings (strdup'd) only with this defined; the glue copies and frees them.
    build.define("TAKE_RESPONSIBILITY_FOR_ERROR_MESSAGE", None);
    // sppark's host-side field code calls blst, whose symbol names depend on whether blst was
    // built for ADX (mulx_mont_sparse_256 vs mul_mont_sparse_256): make the same choice.
    if blst_uses_adx() {
        build.define("__ADX__", None);
    }
    for a in &archs {
        build.flag("-gencode").flag(format!("arch=compute_{a},code=sm_{a}"));
    }
    build.flag("-gencode").flag(format!("arch=compute_{newest},code=compute_{newest}"));
    for file in ["device.cu", "msm.cu", "ntt.cu"] {
        build.file(Path::new("cuda").join(file));
    }
    // sppark compiles its device registry (all_gpus.cpp) only when it finds nvcc itself (NVCC or
    // PATH); when we found it through CUDA_HOME, compile it here instead, never both.
    if env::var("DEP_SPPARK_TARGET").as_deref() != Ok("cuda") {
        build.file(sppark.join("util").join("all_gpus.cpp"));
    }
    build.compile("rebuttal_gpu_cuda");

    // The CUDA runtime is linked statically: it loads the driver (libcuda.so.1) at run time, so a
    // machine without a driver gets an error code, not a loader failure.
    let root = nvcc.parent().and_then(Path::parent).expect("nvcc lives in <toolkit>/bin");
    for dir in ["lib64", "lib", "targets/x86_64-linux/lib"] {
        let d = root.join(dir);
        if d.join("libcudart_static.a").is_file() {
            println!("cargo::rustc-link-search=native={}", d.display());
        }
    }
    for lib in ["dl", "rt", "pthread"] {
        println!("cargo::rustc-link-lib={lib}");
    }
    println!("cargo::rustc-env=REBUTTAL_GPU_NVCC_VERSION={version}");
}

/// Mirrors blst's build script (default features): ADX when `-C target-cpu` enables it, else
/// when the build host has it. A mismatch shows as undefined `mul*_mont_sparse_256` at link time.
fn blst_uses_adx() -> bool {
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("x86_64") {
        return false;
    }
    if env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default().contains("target-cpu=") {
        let features = env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
        let has = |f: &str| features.split(',').any(|x| x == f);
        return has("ssse3") && has("adx");
    }
    host_has_adx()
}

#[cfg(target_arch = "x86_64")]
fn host_has_adx() -> bool {
    std::is_x86_feature_detected!("adx")
}

#[cfg(not(target_arch = "x86_64"))]
fn host_has_adx() -> bool {
    false
}
