//! Multi-scalar multiplication on the CPU: Pippenger's bucket method.
//!
//! - Scalars are recoded into signed (Booth) digits of `c` bits, so each window needs only
//!   `2^(c-1)` buckets and a negative digit adds the negated base.
//! - Bucket accumulation is done in affine coordinates with batched inversion (one field
//!   inversion shared by up to [`MAX_BATCH`] additions): about 5M + 1S per addition against
//!   9M + 2S for a mixed projective addition. A point whose bucket already has an addition in
//!   the pending batch waits in a queue (or, when the queue is full, goes to a projective
//!   overflow bucket), so colliding digits never stall the batch.
//! - Work is split into (window × point range) tasks; the window size `c`, the number of point
//!   ranges and the accumulation strategy are chosen from a cost model that accounts for the
//!   number of threads, so that e.g. 17 windows on 2 threads do not leave a core idle.
//! - No input panics: identity bases and zero digits are skipped, `P + (−P)` empties the bucket,
//!   `P + P` is a doubling inside the batch.
//! - Short scalars cost less: only the windows below the longest scalar's bit length are
//!   processed, and the window size is chosen for that length. Committing to a column's values
//!   (bits, bytes, small chunks) over the Lagrange basis then takes one or two windows instead
//!   of the ~20 a random scalar needs.

use ff::{Field, PrimeField};
use group::{Curve, Group, prime::PrimeCurveAffine};
use halo2curves::bn256::Fq;
use rayon::prelude::*;

use crate::arith::{Fr, G1, G1Affine};

/// Largest batch of affine additions sharing one inversion.
const MAX_BATCH: usize = 2048;

/// Below this many points the MSM runs on the calling thread.
const PARALLEL_THRESHOLD: usize = 64;

/// Cost of one field inversion, in field multiplications (measured on an AMD EPYC: about
/// 5 µs for halo2curves' `Fq::invert` against 40 ns for a dependent multiplication).
const INVERSION_COST: f64 = 125.0;

/// Windows with at least this many buckets are reduced by row and column sums
/// ([`BatchAffine::reduce`]).
const SPLIT_REDUCE_MIN_BUCKETS: usize = 1 << 8;

/// Reduction cost per bucket, in field multiplications: running sums take a mixed and a
/// projective addition per bucket; row and column sums two batched affine additions (with an
/// inversion shared by about 2^(c/2) of them).
const RUNNING_SUM_COST: f64 = 26.0;
const SPLIT_REDUCE_COST: f64 = 18.0;

/// `Σ scalars[i] · bases[i]`; the caller guarantees equal lengths (extra elements of the
/// longer slice are ignored).
pub(super) fn msm(scalars: &[Fr], bases: &[G1Affine]) -> G1 {
    let n = scalars.len().min(bases.len());
    if n == 0 {
        return G1::identity();
    }
    let (scalars, bases) = (&scalars[..n], &bases[..n]);
    let threads = if n < PARALLEL_THRESHOLD { 1 } else { rayon::current_num_threads().max(1) };

    // Canonical little-endian limbs; an identity base contributes nothing, so its scalar is
    // treated as zero (every digit then skips it).
    let to_limbs = |(s, b): (&Fr, &G1Affine)| -> [u64; 4] {
        if bool::from(b.is_identity()) {
            return [0; 4];
        }
        let repr = s.to_repr();
        let bytes = repr.as_ref();
        let mut limbs = [0u64; 4];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *limb = u64::from_le_bytes(word);
        }
        limbs
    };
    let limbs: Vec<[u64; 4]> = if threads > 1 {
        scalars.par_iter().zip(bases.par_iter()).map(to_limbs).collect()
    } else {
        scalars.iter().zip(bases.iter()).map(to_limbs).collect()
    };
    let bits = limbs.iter().map(bit_length).max().unwrap_or(0);
    if bits == 0 {
        return G1::identity();
    }
    let plan = Plan::choose(n, threads, bits);

    let range_len = n.div_ceil(plan.splits);
    let tasks: Vec<(usize, usize, usize)> = (0..plan.windows)
        .rev()
        .flat_map(|w| {
            (0..plan.splits).filter_map(move |s| {
                let lo = s * range_len;
                let hi = ((s + 1) * range_len).min(n);
                (lo < hi).then_some((w, lo, hi))
            })
        })
        .collect();
    let run = |&(w, lo, hi): &(usize, usize, usize)| -> (usize, G1) {
        let digits = limbs[lo..hi].iter().map(|l| booth_digit(l, w, plan.c));
        // The top windows hold fewer bits: fewer buckets, and a batch small enough that their
        // few distinct digits rarely collide with pending additions.
        let buckets = max_digit(w, plan.c, bits);
        let sum = match plan.strategy {
            Strategy::BatchAffine { batch } if batch.min(buckets / 4) >= 8 => {
                let mut acc = BatchAffine::with_buckets(buckets, batch.min(buckets / 4));
                let digits: Vec<i32> = digits.collect();
                acc.accumulate(&digits, &bases[lo..hi]);
                acc.reduce()
            }
            _ => accumulate_projective(buckets, digits.zip(&bases[lo..hi])),
        };
        (w, sum)
    };
    let partial: Vec<(usize, G1)> =
        if threads > 1 { tasks.par_iter().map(run).collect() } else { tasks.iter().map(run).collect() };

    let mut window_sums = vec![G1::identity(); plan.windows];
    for (w, sum) in partial {
        window_sums[w] += sum;
    }
    // Horner: Σ_w 2^(c·w) · S_w.
    let mut acc = G1::identity();
    for (i, sum) in window_sums.iter().enumerate().rev() {
        if i + 1 < plan.windows {
            for _ in 0..plan.c {
                acc = acc.double();
            }
        }
        acc += sum;
    }
    acc
}

/// How bucket sums are accumulated.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Strategy {
    /// Affine buckets, additions batched `batch` at a time.
    BatchAffine { batch: usize },
    /// Projective buckets with mixed additions (no inversions: best for few points).
    Projective,
}

/// Window size, number of windows, point ranges per window and strategy.
#[derive(Debug, Clone, Copy)]
struct Plan {
    c: usize,
    windows: usize,
    splits: usize,
    strategy: Strategy,
}

impl Plan {
    /// Minimises the modelled wall time (in field multiplications) over `c`, the number of
    /// point ranges and the strategy, for `n` scalars below `2^bits`.
    fn choose(n: usize, threads: usize, bits: usize) -> Self {
        let mut best: Option<(f64, Plan)> = None;
        for c in 2..=20usize {
            let windows = windows_for(c, bits);
            let buckets = 1usize << (c - 1);
            // Batch size: a quarter of the buckets keeps collisions with pending additions rare.
            let batch = (buckets / 4).min(MAX_BATCH);
            // (strategy, cost per accumulated point, cost per bucket of the reduction)
            let mut strategies = vec![(Strategy::Projective, 12.0, RUNNING_SUM_COST)];
            if batch >= 8 {
                // Buckets beyond a typical 1 MiB L2 cost extra memory latency per addition.
                let spill = if buckets * 64 > 1 << 20 { 1.5 } else { 0.0 };
                let reduce = if buckets >= SPLIT_REDUCE_MIN_BUCKETS { SPLIT_REDUCE_COST } else { RUNNING_SUM_COST };
                strategies.push((Strategy::BatchAffine { batch }, 7.0 + spill + INVERSION_COST / batch as f64, reduce));
            }
            for (strategy, per_add, per_bucket) in strategies {
                for splits in 1..=(2 * threads).min(8) {
                    let points = n.div_ceil(splits) as f64;
                    // Accumulation, then the reduction, plus a fixed per-task overhead.
                    let task = points * per_add + buckets as f64 * per_bucket + 2000.0;
                    let rounds = (windows * splits).div_ceil(threads) as f64;
                    let cost = rounds * task;
                    if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                        best = Some((cost, Plan { c, windows, splits, strategy }));
                    }
                }
            }
        }
        match best {
            Some((_, plan)) => plan,
            None => Plan { c: 4, windows: windows_for(4, bits), splits: 1, strategy: Strategy::Projective },
        }
    }
}

/// Windows of `c` bits needed for signed digits of scalars below `2^bits` (`bits ≤ 254`): the
/// top window must not carry, which holds when `windows · c ≥ bits + 1`.
fn windows_for(c: usize, bits: usize) -> usize {
    (bits + 1).div_ceil(c)
}

/// The bit length of a 256-bit little-endian integer (0 for zero).
fn bit_length(limbs: &[u64; 4]) -> usize {
    limbs.iter().rposition(|&l| l != 0).map_or(0, |i| 64 * i + 64 - limbs[i].leading_zeros() as usize)
}

/// Bits `[start, start + len)` of a 256-bit little-endian integer (zero beyond bit 255),
/// `len ≤ 32`.
#[inline(always)]
fn bits(limbs: &[u64; 4], start: usize, len: usize) -> u64 {
    let limb = start / 64;
    let offset = start % 64;
    if limb >= 4 {
        return 0;
    }
    let mut v = limbs[limb] >> offset;
    if offset + len > 64 && limb + 1 < 4 {
        v |= limbs[limb + 1] << (64 - offset);
    }
    v & ((1u64 << len) - 1)
}

/// The signed digit of window `w`: `v + b_{wc−1} − 2^c · b_{wc+c−1}` where `v` is the window's
/// `c` bits. The digits lie in `[−2^(c−1), 2^(c−1)]` and `Σ_w 2^(wc) d_w` is the scalar (the
/// terms in the neighbouring bits telescope). Stateless, so each window can be decoded alone.
#[inline(always)]
fn booth_digit(limbs: &[u64; 4], w: usize, c: usize) -> i32 {
    let raw = if w == 0 { bits(limbs, 0, c) << 1 } else { bits(limbs, w * c - 1, c + 1) };
    let v = (raw >> 1) as i32;
    let carry_in = (raw & 1) as i32;
    let top = ((raw >> c) & 1) as i32;
    v + carry_in - (top << c)
}

/// The largest `|digit|` of window `w` for scalars below `2^bits`: a window holding only the
/// top `m < c` bits has digits up to `2^m` (its bits plus the carry from below); other windows
/// reach `2^(c−1)`.
fn max_digit(w: usize, c: usize, bits: usize) -> usize {
    let full = 1usize << (c - 1);
    match bits.checked_sub(w * c) {
        None | Some(0) => 1,
        Some(bits) if bits < c - 1 => 1 << bits,
        Some(_) => full,
    }
}

/// `digit · base` contributions of one window (`|digit| ≤ buckets`) accumulated with projective
/// buckets, then reduced to `Σ_b (b+1) · bucket_b`.
fn accumulate_projective<'a>(buckets: usize, items: impl Iterator<Item = (i32, &'a G1Affine)>) -> G1 {
    let mut buckets = vec![G1::identity(); buckets];
    for (digit, base) in items {
        if digit == 0 {
            continue;
        }
        let b = digit.unsigned_abs() as usize - 1;
        let point = if digit > 0 { *base } else { G1Affine { x: base.x, y: -base.y } };
        buckets[b] = buckets[b].add_mixed_vartime(&point);
    }
    let mut running = G1::identity();
    let mut sum = G1::identity();
    for bucket in buckets.iter().rev() {
        running += bucket;
        sum += running;
    }
    sum
}

/// How many points ahead [`BatchAffine::accumulate`] prefetches buckets.
const PREFETCH_DISTANCE: usize = 8;

/// Hints the CPU to load `value` into cache (no effect off x86-64).
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is only a hint; it never faults, even for an invalid address, and
    // SSE is part of the x86-64 baseline.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

const FILLED: u8 = 1;
const BUSY: u8 = 2;

/// One pending affine addition `bucket ← bucket + P`, as `λ = num / den`.
#[derive(Clone, Copy)]
struct Pending {
    bucket: u32,
    px: Fq,
    num: Fq,
    den: Fq,
    prefix: Fq,
}

/// Affine buckets with batched additions.
struct BatchAffine {
    buckets: Vec<G1Affine>,
    /// Per bucket: `FILLED` when it holds a point, `BUSY` while an addition to it is pending.
    state: Vec<u8>,
    batch: Vec<Pending>,
    batch_cap: usize,
    /// Points whose bucket was busy; retried after the next flush.
    queue: Vec<(u32, G1Affine)>,
    spare: Vec<(u32, G1Affine)>,
    /// Projective buckets for points that found the queue full (allocated on first use).
    overflow: Vec<G1>,
}

impl BatchAffine {
    fn with_buckets(buckets: usize, batch_cap: usize) -> Self {
        let batch_cap = batch_cap.max(1);
        Self {
            buckets: vec![G1Affine { x: Fq::ZERO, y: Fq::ZERO }; buckets],
            state: vec![0; buckets],
            batch: Vec::with_capacity(batch_cap),
            batch_cap,
            queue: Vec::with_capacity(batch_cap),
            spare: Vec::with_capacity(batch_cap),
            overflow: Vec::new(),
        }
    }

    fn accumulate(&mut self, digits: &[i32], bases: &[G1Affine]) {
        for (i, (&digit, base)) in digits.iter().zip(bases).enumerate() {
            // Fetch the bucket a few points ahead: with large windows the buckets live in L3.
            if let Some(&ahead) = digits.get(i + PREFETCH_DISTANCE) {
                if ahead != 0 {
                    prefetch(&self.buckets[ahead.unsigned_abs() as usize - 1]);
                }
            }
            if digit == 0 {
                continue;
            }
            let point = if digit > 0 { *base } else { G1Affine { x: base.x, y: -base.y } };
            self.add(digit.unsigned_abs() as usize - 1, point);
        }
        self.drain();
        self.fold_overflow();
    }

    /// Moves the projective overflow buckets into the affine ones (one batched normalisation,
    /// then at most one batched addition per bucket), so that [`BatchAffine::reduce`] can use
    /// row and column sums.
    fn fold_overflow(&mut self) {
        if self.overflow.is_empty() {
            return;
        }
        let overflow = std::mem::take(&mut self.overflow);
        let (buckets, points): (Vec<usize>, Vec<G1>) =
            overflow.into_iter().enumerate().filter(|(_, p)| !bool::from(p.is_identity())).unzip();
        let mut affine = vec![G1Affine::identity(); points.len()];
        G1::batch_normalize(&points, &mut affine);
        // Nothing is pending and each bucket appears once, so no addition waits for another.
        for (b, point) in buckets.into_iter().zip(affine) {
            self.insert(b, point);
            if self.batch.len() >= self.batch_cap {
                self.flush();
            }
        }
        self.flush();
    }

    /// Schedules `bucket_b += point`, flushing the batch when it is full.
    #[inline(always)]
    fn add(&mut self, b: usize, point: G1Affine) {
        self.insert(b, point);
        if self.batch.len() >= self.batch_cap {
            self.flush();
            self.retry_queue();
        }
    }

    /// Completes every scheduled addition.
    fn drain(&mut self) {
        // Drain what is left: a couple of rounds, then whatever still collides (many points
        // on one bucket) goes to the projective overflow rather than one inversion per point.
        for _ in 0..2 {
            self.flush();
            if self.queue.is_empty() {
                break;
            }
            self.retry_queue();
        }
        self.flush();
        let rest = std::mem::take(&mut self.queue);
        for (b, point) in &rest {
            self.add_overflow(*b as usize, point);
        }
    }

    /// Schedules `bucket_b += point` (`point` is not the identity).
    #[inline(always)]
    fn insert(&mut self, b: usize, point: G1Affine) {
        let state = self.state[b];
        if state & BUSY != 0 {
            if self.queue.len() < self.batch_cap {
                self.queue.push((b as u32, point));
            } else {
                self.add_overflow(b, &point);
            }
            return;
        }
        if state & FILLED == 0 {
            self.buckets[b] = point;
            self.state[b] = FILLED;
            return;
        }
        let q = &self.buckets[b];
        let (num, den) = if q.x != point.x {
            (point.y - q.y, point.x - q.x)
        } else if q.y == point.y && !bool::from(q.y.is_zero()) {
            // Doubling: λ = 3x² / 2y.
            let xx = q.x.square();
            (xx.double() + xx, q.y.double())
        } else {
            // P + (−P) = O (a point with y = 0 would have order 2; BN254 G1 has none).
            self.state[b] = 0;
            return;
        };
        self.state[b] = FILLED | BUSY;
        self.batch.push(Pending { bucket: b as u32, px: point.x, num, den, prefix: Fq::ZERO });
    }

    /// Performs every pending addition with one inversion (Montgomery's trick).
    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let mut acc = Fq::ONE;
        for p in self.batch.iter_mut() {
            p.prefix = acc;
            acc *= p.den;
        }
        // Every denominator is non-zero (checked in `insert`), so the product is invertible.
        let mut inv = Option::<Fq>::from(acc.invert()).unwrap_or(Fq::ZERO);
        for p in self.batch.iter().rev() {
            let den_inv = inv * p.prefix;
            inv *= p.den;
            let lambda = p.num * den_inv;
            let b = p.bucket as usize;
            let q = &mut self.buckets[b];
            let x3 = lambda.square() - q.x - p.px;
            q.y = lambda * (q.x - x3) - q.y;
            q.x = x3;
            self.state[b] = FILLED;
        }
        self.batch.clear();
    }

    fn retry_queue(&mut self) {
        std::mem::swap(&mut self.queue, &mut self.spare);
        let mut pending = std::mem::take(&mut self.spare);
        for (b, point) in pending.drain(..) {
            self.insert(b as usize, point);
            if self.batch.len() >= self.batch_cap {
                self.flush();
            }
        }
        self.spare = pending;
    }

    fn add_overflow(&mut self, b: usize, point: &G1Affine) {
        if self.overflow.is_empty() {
            self.overflow = vec![G1::identity(); self.buckets.len()];
        }
        self.overflow[b] = self.overflow[b].add_mixed_vartime(point);
    }

    /// `Σ_b (b+1) · bucket_b`.
    ///
    /// The running-sum method costs two projective additions per bucket, which for large windows
    /// is a good part of the whole MSM. Instead, write `b = h·L + l` (`L = 2^s`, `s` about half
    /// the window): then `Σ_b (b+1)·B_b = L · Σ_h h·R_h + Σ_l (l+1)·C_l` with row sums
    /// `R_h = Σ_l B_{hL+l}` and column sums `C_l = Σ_h B_{hL+l}`. Those sums are plain
    /// additions, done here as batched affine additions (about 7 multiplications each against
    /// about 12 for a projective one), and the two weighted sums left have only `2^s` terms.
    fn reduce(&self) -> G1 {
        let buckets = self.buckets.len();
        // Projective overflow buckets are rare (heavily repeated digits); they keep the
        // running-sum method, as do windows too small to gain.
        if !self.overflow.is_empty() || buckets < SPLIT_REDUCE_MIN_BUCKETS || !buckets.is_power_of_two() {
            return self.reduce_range(0..buckets);
        }
        let s = buckets.trailing_zeros() / 2;
        let (cols, rows) = (1usize << s, buckets >> s);
        // Sub-buckets: R_h for h ≥ 1 at h − 1 (R_0 has weight 0), then C_l at rows − 1 + l.
        // Rows are fed column by column and columns row by row, alternately, so that any
        // `rows − 1 + cols` consecutive additions hit distinct sub-buckets: one batch (and one
        // inversion) can take them all.
        let mut sums = BatchAffine::with_buckets(rows - 1 + cols, rows - 1 + cols);
        let filled = |b: usize| self.state[b] & FILLED != 0;
        for t in 0..buckets {
            if t < (rows - 1) * cols {
                let (l, h) = (t / (rows - 1), 1 + t % (rows - 1));
                let b = h * cols + l;
                if filled(b) {
                    sums.add(h - 1, self.buckets[b]);
                }
            }
            if filled(t) {
                sums.add(rows - 1 + t % cols, self.buckets[t]);
            }
        }
        sums.drain();
        let mut total = sums.reduce_range(0..rows - 1);
        for _ in 0..s {
            total = total.double();
        }
        total + sums.reduce_range(rows - 1..rows - 1 + cols)
    }

    /// `Σ_{b ∈ range} (b − range.start + 1) · bucket_b` by running sums.
    fn reduce_range(&self, range: std::ops::Range<usize>) -> G1 {
        let mut running = G1::identity();
        let mut sum = G1::identity();
        for b in range.rev() {
            if self.state[b] & FILLED != 0 {
                running = running.add_mixed_vartime(&self.buckets[b]);
            }
            if let Some(extra) = self.overflow.get(b) {
                running += extra;
            }
            sum += running;
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;
    use group::Curve;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn booth_digits_recompose_the_scalar() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let mut samples = vec![Fr::ZERO, Fr::ONE, -Fr::ONE, Fr::from(u64::MAX)];
        samples.extend((0..20).map(|_| Fr::random(&mut rng)));
        for s in samples {
            let limbs = limbs_of(&s);
            for c in 1..=20 {
                let mut acc = Fr::ZERO;
                let base = Fr::from(1u64 << c);
                for w in (0..windows_for(c, Fr::NUM_BITS as usize)).rev() {
                    let d = booth_digit(&limbs, w, c);
                    assert!(d.unsigned_abs() <= 1 << (c - 1), "c = {c}, digit {d}");
                    acc = acc * base + Fr::from(d.unsigned_abs() as u64) * if d < 0 { -Fr::ONE } else { Fr::ONE };
                }
                assert_eq!(acc, s, "c = {c}");
            }
        }
    }

    /// Buckets holding random points, with empty buckets, equal points (doublings in the row
    /// and column sums) and a point next to its negation (cancelling sums).
    fn awkward_buckets(count: usize, seed: u64) -> BatchAffine {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut acc = BatchAffine::with_buckets(count, 64);
        let g = G1Affine::generator();
        let p = (g * Fr::random(&mut rng)).to_affine();
        for b in 0..count {
            let point = match b % 7 {
                0 => continue,
                1 => p,
                2 => G1Affine { x: p.x, y: -p.y },
                _ => (g * Fr::random(&mut rng)).to_affine(),
            };
            acc.buckets[b] = point;
            acc.state[b] = FILLED;
        }
        acc
    }

    #[test]
    fn split_reduction_matches_running_sums() {
        for (count, seed) in [(1usize << 8, 1u64), (1 << 9, 2), (1 << 12, 3)] {
            let acc = awkward_buckets(count, seed);
            assert_eq!(acc.reduce().to_affine(), acc.reduce_range(0..count).to_affine(), "{count} buckets");
        }
        // All buckets equal: every row and column sum is a chain of doublings.
        let mut same = BatchAffine::with_buckets(1 << 8, 64);
        same.buckets.fill(G1Affine::generator());
        same.state.fill(FILLED);
        let weights: u64 = (1..=256).sum();
        assert_eq!(same.reduce().to_affine(), (G1Affine::generator() * Fr::from(weights)).to_affine());
    }

    #[test]
    fn overflow_buckets_fold_into_the_affine_ones() {
        // Many points on few buckets with a tiny queue: some land in the projective overflow.
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let g = G1Affine::generator();
        let points: Vec<G1Affine> = (0..600).map(|_| (g * Fr::random(&mut rng)).to_affine()).collect();
        let digits: Vec<i32> = (0..600).map(|i| [1, 2, -2, 5][i % 4]).collect();
        let mut acc = BatchAffine::with_buckets(1 << 8, 4);
        for (&d, p) in digits.iter().zip(&points) {
            let point = if d > 0 { *p } else { G1Affine { x: p.x, y: -p.y } };
            acc.add(d.unsigned_abs() as usize - 1, point);
        }
        acc.drain();
        assert!(!acc.overflow.is_empty(), "the test should exercise the overflow buckets");
        acc.fold_overflow();
        assert!(acc.overflow.is_empty());
        let expected: G1 = points
            .iter()
            .zip(&digits)
            .map(|(p, &d)| {
                let s = Fr::from(d.unsigned_abs() as u64);
                *p * if d < 0 { -s } else { s }
            })
            .sum();
        assert_eq!(acc.reduce().to_affine(), expected.to_affine());
    }

    #[test]
    fn digits_stay_within_their_window_bound() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let mut samples = vec![-Fr::ONE, Fr::ZERO, Fr::ONE];
        samples.extend((0..200).map(|_| Fr::random(&mut rng)));
        for s in samples {
            let limbs = limbs_of(&s);
            for c in 2..=20 {
                for w in 0..windows_for(c, Fr::NUM_BITS as usize) {
                    let d = booth_digit(&limbs, w, c).unsigned_abs() as usize;
                    assert!(d <= max_digit(w, c, Fr::NUM_BITS as usize), "c = {c}, window {w}, digit {d}");
                }
            }
        }
    }

    #[test]
    fn plans_are_sane() {
        for log_n in 0..24 {
            for threads in [1, 2, 4, 16] {
                let p = Plan::choose(1 << log_n, threads, Fr::NUM_BITS as usize);
                assert!(p.c >= 2 && p.c <= 20 && p.windows * p.c >= 255 && p.splits >= 1);
            }
        }
    }

    fn limbs_of(s: &Fr) -> [u64; 4] {
        let repr = s.to_repr();
        let mut limbs = [0u64; 4];
        for (l, ch) in limbs.iter_mut().zip(repr.as_ref().chunks_exact(8)) {
            *l = u64::from_le_bytes(ch.try_into().unwrap());
        }
        limbs
    }

    /// A scalar below `2^bits`: random bits, the top one set.
    fn scalar_of_length(bits: usize, rng: &mut ChaCha20Rng) -> Fr {
        let mut limbs = limbs_of(&Fr::random(&mut *rng));
        for (i, l) in limbs.iter_mut().enumerate() {
            let keep = bits.saturating_sub(64 * i).min(64);
            *l = if keep == 64 { *l } else { *l & ((1u64 << keep) - 1) };
        }
        limbs[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
        let value = limbs
            .iter()
            .rev()
            .fold(Fr::ZERO, |acc, &l| acc * Fr::from(1u64 << 32) * Fr::from(1u64 << 32) + Fr::from(l));
        assert_eq!(bit_length(&limbs_of(&value)), bits);
        value
    }

    #[test]
    fn short_scalars_recompose_in_fewer_windows_within_their_bounds() {
        let mut rng = ChaCha20Rng::seed_from_u64(13);
        for bits in (1..=Fr::NUM_BITS as usize).step_by(7).chain([2, 6, 8, 63, 64, 65, 128, 253]) {
            for _ in 0..4 {
                let s = scalar_of_length(bits, &mut rng);
                let limbs = limbs_of(&s);
                for c in 2..=20 {
                    let mut acc = Fr::ZERO;
                    for w in (0..windows_for(c, bits)).rev() {
                        let d = booth_digit(&limbs, w, c);
                        assert!(d.unsigned_abs() as usize <= max_digit(w, c, bits), "bits {bits}, c {c}, window {w}");
                        let digit = Fr::from(d.unsigned_abs() as u64);
                        acc = acc * Fr::from(1u64 << c) + if d < 0 { -digit } else { digit };
                    }
                    assert_eq!(acc, s, "bits {bits}, c {c}");
                }
            }
        }
        assert_eq!(bit_length(&[0; 4]), 0);
        assert_eq!(bit_length(&limbs_of(&-Fr::ONE)), Fr::NUM_BITS as usize);
    }

    #[test]
    fn msm_of_short_scalars_matches_the_naive_sum() {
        let mut rng = ChaCha20Rng::seed_from_u64(17);
        let g = G1Affine::generator();
        for n in [1usize, 5, 63, 64, 300] {
            let bases: Vec<G1Affine> = (0..n).map(|_| (g * Fr::random(&mut rng)).to_affine()).collect();
            let naive = |scalars: &[Fr]| -> G1 { scalars.iter().zip(&bases).map(|(s, b)| *b * s).sum() };
            let cases: Vec<Vec<Fr>> = vec![
                vec![Fr::ZERO; n],
                (0..n).map(|i| Fr::from((i % 2) as u64)).collect(),
                (0..n).map(|_| scalar_of_length(6, &mut rng)).collect(),
                (0..n).map(|i| Fr::from((i * 37 % 256) as u64)).collect(),
                (0..n).map(|_| scalar_of_length(64, &mut rng)).collect(),
                // Short scalars with one full-length one: every window again.
                (0..n).map(|i| if i == n / 2 { -Fr::ONE } else { Fr::from(i as u64) }).collect(),
            ];
            for (case, scalars) in cases.iter().enumerate() {
                assert_eq!(msm(scalars, &bases).to_affine(), naive(scalars).to_affine(), "n {n}, case {case}");
            }
        }
    }

    #[test]
    fn plans_for_short_scalars_cover_them() {
        for bits in [1usize, 6, 8, 16, 64, 254] {
            for log_n in [0usize, 6, 12, 16, 20] {
                let p = Plan::choose(1 << log_n, 2, bits);
                assert!(p.windows * p.c > bits && p.splits >= 1, "bits {bits}, log n {log_n}: {p:?}");
            }
        }
        // Byte values at 2^16 points: a window or two, not twenty.
        assert!(Plan::choose(1 << 16, 2, 8).windows <= 2);
    }
}
