//! Wall-clock time, process CPU time and peak memory, for the side-by-side comparison binaries.
//!
//! CPU time is the process's user + system time summed over all threads (`getrusage`): on a
//! shared machine it is the less load-sensitive of the two timings. Peak memory is the process's
//! peak resident set size, so each (prover, size) pair should run in its own process.

use std::time::Instant;

/// Wall-clock and CPU time of one piece of work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Elapsed wall-clock seconds.
    pub wall_s: f64,
    /// Process CPU seconds (user + system, all threads) over the same interval.
    pub cpu_s: f64,
}

/// `getrusage(RUSAGE_SELF)`.
fn rusage() -> Result<libc::rusage, String> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is a valid `who`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return Err(format!("getrusage failed: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: getrusage returned 0, so the struct is initialised.
    Ok(unsafe { usage.assume_init() })
}

/// The process's CPU time so far (user + system, summed over all threads), in seconds.
pub fn cpu_seconds() -> Result<f64, String> {
    let usage = rusage()?;
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    Ok(seconds(usage.ru_utime) + seconds(usage.ru_stime))
}

/// The process's peak resident set size so far, in MiB (`ru_maxrss` is in KiB on Linux).
pub fn peak_rss_mib() -> Result<f64, String> {
    Ok(rusage()?.ru_maxrss as f64 / 1024.0)
}

/// Runs `work` and measures its wall-clock and CPU time.
pub fn timed<T>(work: impl FnOnce() -> Result<T, String>) -> Result<(T, Timing), String> {
    let (cpu, wall) = (cpu_seconds()?, Instant::now());
    let value = work()?;
    let wall_s = wall.elapsed().as_secs_f64();
    Ok((value, Timing { wall_s, cpu_s: cpu_seconds()? - cpu }))
}

/// Makes the proof `repeat` times (at least once) with `prove`; with `deterministic`, every run
/// must return the same bytes (halo2 provers draw fresh blinding inside `create_proof`, so theirs
/// differ). Returns the first proof and each run's timing.
pub fn repeat_proving(
    repeat: usize,
    deterministic: bool,
    mut prove: impl FnMut() -> Result<Vec<u8>, String>,
) -> Result<(Vec<u8>, Vec<Timing>), String> {
    let (proof, first) = timed(&mut prove)?;
    let mut timings = vec![first];
    for run in 1..repeat {
        let (again, timing) = timed(&mut prove)?;
        if deterministic && again != proof {
            return Err(format!("proving run {run} gave other proof bytes than run 0"));
        }
        timings.push(timing);
    }
    Ok((proof, timings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_returns_the_value_and_non_negative_times() {
        let (v, t) = timed(|| Ok((0..100_000u64).sum::<u64>())).expect("timing works");
        assert_eq!(v, 4_999_950_000);
        assert!(t.wall_s >= 0.0 && t.cpu_s >= 0.0);
        assert!(peak_rss_mib().expect("rusage works") > 0.0);
    }

    #[test]
    fn timed_passes_errors_through() {
        assert_eq!(timed(|| Err::<(), _>("boom".to_string())).unwrap_err(), "boom");
    }
}
