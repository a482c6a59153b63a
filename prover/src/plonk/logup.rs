//! The prover's logUp columns: multiplicities, group helpers and running sums, laid out by the
//! extended system's [`LogUpPlan`](crate::circuit::LogUpPlan) (see [`crate::circuit::logup`] for
//! the constraints and their soundness).

use std::collections::HashMap;

use ff::{BatchInvert, Field};
use rayon::prelude::*;

use super::argument::Extended;
use super::prove::evaluate_rows;
use crate::arith::Fr;
use crate::circuit::logup::denominator;
use crate::circuit::{Expression, Program};
use crate::mock::Columns;

/// Rows per parallel batch inversion (one field inversion each).
const CHUNK: usize = 1 << 12;

/// The points at which a test may change the prover's logUp columns (soundness tests: whatever
/// the hook forges, the verifier must reject). Each stage runs right after the honest prover
/// filled the columns it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The multiplicities, before they are committed (helpers and running sums follow from them).
    Multiplicities,
    /// The group helpers, before the running sums are computed from them.
    Helpers,
    /// The running sums, before they are committed.
    RunningSums,
}

/// A hook that may change advice columns (indexed as in the extended system) at a [`Stage`].
/// It must change only columns not yet committed at that stage: the prover keeps the values and
/// interpolates them after the last round, so a change to a committed column would reach the
/// quotient and the openings but not the commitment.
pub(crate) type Forge<'a> = dyn Fn(Stage, &Extended, &mut [Vec<Fr>]) + Sync + 'a;

/// Per table of the plan: how many lookup inputs (all its lookups, all usable rows) equal each
/// table row, counted on the first row holding that tuple.
pub(super) fn multiplicities(
    ext: &Extended,
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Vec<Fr>> {
    let cs = &ext.cs;
    ext.logup
        .tables
        .iter()
        .map(|groups| {
            let table = &cs.tables()[groups.table];
            let rows = transpose(evaluate_rows(&Program::compile(&table.columns), columns, usable, n, challenges));
            let mut first_row: HashMap<&Vec<Fr>, usize> = HashMap::with_capacity(rows.len());
            for (r, tuple) in rows.iter().enumerate() {
                first_row.entry(tuple).or_insert(r);
            }
            let mut m = vec![0u64; n];
            let lookups = groups.in_running_sum.iter().chain(groups.helpers.iter().flatten());
            for &l in lookups {
                let program = Program::compile(&cs.lookups()[l].inputs);
                for tuple in &transpose(evaluate_rows(&program, columns, usable, n, challenges)) {
                    if let Some(&r) = first_row.get(tuple) {
                        m[r] += 1;
                    }
                }
            }
            m.into_iter().map(Fr::from).collect()
        })
        .collect()
}

/// `Σ_j 1/(β + f_j)` over the lookups `lookups`, on rows `0..usable` (zero on the others): all
/// denominators inverted in batches, one field inversion per batch.
fn inverse_sum(
    ext: &Extended,
    lookups: &[usize],
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Fr> {
    let (theta, beta) = (ext.theta.expr(), ext.beta.expr());
    let denominators: Vec<Expression> =
        lookups.iter().map(|&l| denominator(&ext.cs.lookups()[l].inputs, &theta, &beta)).collect();
    let mut values = evaluate_rows(&Program::compile(&denominators), columns, usable, n, challenges);
    let mut sum = vec![Fr::ZERO; n];
    for v in &mut values {
        v.par_chunks_mut(CHUNK).for_each(|chunk| {
            chunk.batch_invert();
        });
        sum[..usable].par_iter_mut().zip(v.par_iter()).for_each(|(s, inv)| *s += inv);
    }
    sum
}

/// Per table of the plan, per helper group: the helper column `Σ_j 1/(β + f_j)`.
pub(super) fn helpers(
    ext: &Extended,
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Vec<Vec<Fr>>> {
    ext.logup
        .tables
        .iter()
        .map(|groups| {
            groups.helpers.par_iter().map(|lookups| inverse_sum(ext, lookups, columns, usable, n, challenges)).collect()
        })
        .collect()
}

/// Per table of the plan: the running sum `φ`, with `φ[0] = 0` and, on each usable row,
/// `φ[r+1] = φ[r] + Σ (helpers) + Σ 1/(β + f) (the lookups in the step) − m/(β + t)`, read
/// from the helper and multiplicity columns in `columns` (so forged ones are followed).
pub(super) fn running_sums(
    ext: &Extended,
    columns: Columns<'_>,
    usable: usize,
    n: usize,
    challenges: &[Fr],
) -> Vec<Vec<Fr>> {
    let (theta, beta) = (ext.theta.expr(), ext.beta.expr());
    ext.logup
        .tables
        .iter()
        .enumerate()
        .map(|(i, groups)| {
            let mut step = inverse_sum(ext, &groups.in_running_sum, columns, usable, n, challenges);
            let table = denominator(&ext.cs.tables()[groups.table].columns, &theta, &beta);
            let mut table_inverse =
                evaluate_rows(&Program::compile([&table]), columns, usable, n, challenges).remove(0);
            table_inverse.par_chunks_mut(CHUNK).for_each(|chunk| {
                chunk.batch_invert();
            });
            let m = &columns.advice[ext.multiplicity[i].index()];
            step[..usable].par_iter_mut().zip(m.par_iter().zip(table_inverse.par_iter())).for_each(|(s, (m, inv))| {
                *s -= *m * inv;
            });
            for g in &ext.helpers[i] {
                let g = &columns.advice[g.index()];
                step[..usable].par_iter_mut().zip(g.par_iter()).for_each(|(s, g)| *s += g);
            }
            let mut phi = vec![Fr::ZERO; n];
            for r in 0..usable {
                phi[r + 1] = phi[r] + step[r];
            }
            phi
        })
        .collect()
}

/// `[output][row]` → `[row][output]`.
fn transpose(columns: Vec<Vec<Fr>>) -> Vec<Vec<Fr>> {
    let rows = columns.first().map_or(0, Vec::len);
    (0..rows).map(|r| columns.iter().map(|c| c[r]).collect()).collect()
}

#[cfg(test)]
mod tests {
    //! Forged logUp columns: the honest prover fills them, the hook changes them, and the named
    //! constraint — only it — fails on the domain, and the verifier rejects the proof.

    use super::*;
    use crate::backend::CpuBackend;
    use crate::plonk::prove::prove_forging;
    use crate::plonk::{ProvingKey, VerifyError, keygen, verify};
    use crate::srs::Srs;
    use crate::testing::LookupBatches;

    const K: u32 = 9;

    fn setup(circuit: &LookupBatches) -> ProvingKey {
        keygen(&Srs::unsafe_setup(K, 3).unwrap(), circuit, K, &CpuBackend).unwrap()
    }

    /// Degrees 1, 1 | 3 | 1, 2 | 1, 1, 1: the step holds two lookups, then helpers of one, two
    /// and three lookups.
    fn circuit() -> LookupBatches {
        LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1])
    }

    /// Proves with `forge`; returns the failing `(constraint name, row)` pairs after checking
    /// that the verifier rejects the proof.
    fn forged(forge: &Forge<'_>) -> Vec<(String, usize)> {
        let circuit = circuit();
        let pk = setup(&circuit);
        let (proof, failing) =
            prove_forging(&pk, &circuit, &CpuBackend, &mut rand_core::OsRng, &Default::default(), forge).unwrap();
        assert_eq!(verify(pk.vk(), &[], &proof), Err(VerifyError::ConstraintsNotSatisfied));
        let ext = pk.vk().extended();
        failing.into_iter().map(|(c, row)| (ext.constraints[c].0.clone(), row)).collect()
    }

    fn names(failing: &[(String, usize)]) -> Vec<(&str, usize)> {
        failing.iter().map(|(n, r)| (n.split(" over ").next().unwrap_or(n), *r)).collect()
    }

    #[test]
    fn the_honest_columns_satisfy_every_constraint() {
        let circuit = circuit();
        let pk = setup(&circuit);
        let (proof, failing) =
            prove_forging(&pk, &circuit, &CpuBackend, &mut rand_core::OsRng, &Default::default(), &|_, _, _| {})
                .unwrap();
        assert!(failing.is_empty());
        verify(pk.vk(), &[], &proof).unwrap();
    }

    #[test]
    fn a_forged_helper_fails_its_own_constraint() {
        // Moving δ between two rows of one helper keeps the running sum (recomputed from the
        // forged helpers) ending at 0: only that helper's constraint sees it.
        for h in 0..3 {
            let failing = forged(&move |stage, ext, advice| {
                if stage == Stage::Helpers {
                    let g = &mut advice[ext.helpers[0][h].index()];
                    g[5] += Fr::from(7u64);
                    g[6] -= Fr::from(7u64);
                }
            });
            let expected = format!("table `bytes` helper {h} = Σ 1/(β+f)");
            assert_eq!(names(&failing), vec![(expected.as_str(), 5), (expected.as_str(), 6)], "helper {h}");
        }
    }

    #[test]
    fn a_forged_running_sum_fails_the_step() {
        // The step holds the table's fraction and lookups 0 and 1: it has no helper column,
        // so forging it means changing φ.
        let failing = forged(&|stage, ext, advice| {
            if stage == Stage::RunningSums {
                advice[ext.running_sum[0].index()][9] += Fr::ONE;
            }
        });
        let step = "table `bytes` running sum step";
        assert_eq!(names(&failing), vec![(step, 8), (step, 9)]);
    }

    #[test]
    fn a_running_sum_off_by_a_constant_fails_both_ends() {
        let failing = forged(&|stage, ext, advice| {
            if stage == Stage::RunningSums {
                advice[ext.running_sum[0].index()].iter_mut().for_each(|v| *v += Fr::ONE);
            }
        });
        let usable = setup(&circuit()).vk().extended().cs.usable_rows(K);
        assert_eq!(
            names(&failing),
            vec![("table `bytes` running sum starts at 0", 0), ("table `bytes` running sum ends at 0", usable)]
        );
    }

    #[test]
    fn a_forged_multiplicity_fails_the_end_of_the_running_sum() {
        // One more count of a table row (helpers and φ follow honestly): the step holds on
        // every row, but the sum no longer returns to 0.
        let failing = forged(&|stage, ext, advice| {
            if stage == Stage::Multiplicities {
                advice[ext.multiplicity[0].index()][17] += Fr::ONE;
            }
        });
        assert_eq!(failing.len(), 1);
        assert_eq!(failing[0].0, "table `bytes` running sum ends at 0");
        // Moving a count to another table row fails the same way.
        let failing = forged(&|stage, ext, advice| {
            if stage == Stage::Multiplicities {
                let m = &mut advice[ext.multiplicity[0].index()];
                let from = m.iter().position(|v| !bool::from(v.is_zero())).expect("some row is looked up");
                m[from] -= Fr::ONE;
                m[from + 1] += Fr::ONE;
            }
        });
        assert_eq!(failing.len(), 1);
        assert_eq!(failing[0].0, "table `bytes` running sum ends at 0");
    }
}

#[cfg(test)]
mod adversarial {
    //! Review of logUp batching and zero-knowledge (soundness): a lookup input outside the table
    //! cannot be carried through by forging multiplicities (on usable, reserved or the `l_last`
    //! row), helpers or the running sum (including at the `l_last` row), with or without
    //! zero-knowledge; and the plan a decoded key derives is the keygen's.

    use super::*;
    use crate::backend::CpuBackend;
    use crate::plonk::keygen::KeygenConfig;
    use crate::plonk::prove::prove_forging;
    use crate::plonk::{ProvingKey, VerifyError, VerifyingKey, keygen_with_config, verify};
    use crate::srs::Srs;
    use crate::testing::LookupBatches;

    const K: u32 = 9;

    fn key(circuit: &LookupBatches, zero_knowledge: bool) -> ProvingKey {
        keygen_with_config(
            &Srs::unsafe_setup(K, 3).unwrap(),
            circuit,
            K,
            &CpuBackend,
            KeygenConfig { zero_knowledge, packing: 1 },
        )
        .unwrap()
    }

    /// Degrees 1, 1 | 3 | 1, 2 | 1, 1, 1: lookups 0, 1 in the step, 2 in helper 0, 3, 4 in
    /// helper 1, 5, 6, 7 in helper 2.
    fn honest() -> LookupBatches {
        LookupBatches::new(vec![1, 1, 3, 1, 2, 1, 1, 1])
    }

    type Strategy = Box<dyn Fn(Stage, &Extended, &mut [Vec<Fr>]) + Sync>;

    /// Forgeries a prover might try to carry an input that is no table row.
    fn strategies(usable: usize, n: usize) -> Vec<(&'static str, Strategy)> {
        let m_plus = |row: usize, delta: Fr| -> Strategy {
            Box::new(move |stage, ext, advice| {
                if stage == Stage::Multiplicities {
                    advice[ext.multiplicity[0].index()][row] += delta;
                }
            })
        };
        vec![
            ("honest columns", Box::new(|_, _, _| {})),
            ("m + 1 at table row 0", m_plus(0, Fr::ONE)),
            ("m + 1 on the l_last row", m_plus(usable, Fr::ONE)),
            ("m + 1 on the last reserved row", m_plus(n - 1, Fr::ONE)),
            ("m − 1 at table row 0", m_plus(0, -Fr::ONE)),
            ("m + p − 1 (a field 'negative count') at row 5", m_plus(5, -Fr::ONE)),
            (
                "φ forced to 0 on the l_last row",
                Box::new(move |stage, ext, advice| {
                    if stage == Stage::RunningSums {
                        advice[ext.running_sum[0].index()][usable] = Fr::ZERO;
                    }
                }),
            ),
            (
                "φ shifted so that it ends at 0 (and starts off 0)",
                Box::new(move |stage, ext, advice| {
                    if stage == Stage::RunningSums {
                        let phi = &mut advice[ext.running_sum[0].index()];
                        let end = phi[usable];
                        phi.iter_mut().for_each(|v| *v -= end);
                    }
                }),
            ),
            (
                "every helper zeroed on the reserved rows and l_last row, φ rebuilt",
                Box::new(move |stage, ext, advice| {
                    if stage == Stage::Helpers {
                        for g in &ext.helpers[0] {
                            advice[g.index()][usable..].iter_mut().for_each(|v| *v = Fr::ZERO);
                        }
                    }
                }),
            ),
        ]
    }

    #[test]
    fn an_input_outside_the_table_survives_no_forgery() {
        for zero_knowledge in [false, true] {
            let pk = key(&honest(), zero_knowledge);
            let usable = pk.vk().extended().cs.usable_rows(K);
            let n = 1usize << K;
            // A lookup in the step, the lone lookup of helper 0, the last lookup of helper 2;
            // in an ordinary row and in the last usable row.
            for (lookup, row) in [(0, 3), (2, 7), (7, 11), (1, usable - 1), (6, usable - 1)] {
                let mut bad = honest();
                bad.overrides.push((lookup, row, 300));
                for (name, forge) in strategies(usable, n) {
                    let (proof, failing) =
                        prove_forging(&pk, &bad, &CpuBackend, &mut rand_core::OsRng, &Default::default(), &*forge)
                            .unwrap();
                    assert!(!failing.is_empty(), "zk {zero_knowledge}, lookup {lookup} row {row}: {name}");
                    assert_eq!(
                        verify(pk.vk(), &[], &proof),
                        Err(VerifyError::ConstraintsNotSatisfied),
                        "zk {zero_knowledge}, lookup {lookup} row {row}: {name}"
                    );
                }
            }
        }
    }

    #[test]
    fn honest_columns_with_garbage_in_every_row_no_constraint_reads_still_verify() {
        // Whatever the prover puts in m and the helpers on reserved rows (l_last row included),
        // and in φ after the l_last row, binds nothing: the honest statement still verifies,
        // so no constraint reads those rows (the zero-knowledge blinding relies on it).
        for zero_knowledge in [false, true] {
            let pk = key(&honest(), zero_knowledge);
            let usable = pk.vk().extended().cs.usable_rows(K);
            let forge = move |stage: Stage, ext: &Extended, advice: &mut [Vec<Fr>]| {
                let junk = |v: &mut [Fr]| v.iter_mut().enumerate().for_each(|(i, x)| *x = Fr::from(1000 + i as u64));
                match stage {
                    Stage::Multiplicities => junk(&mut advice[ext.multiplicity[0].index()][usable..]),
                    Stage::Helpers => {
                        for g in &ext.helpers[0] {
                            junk(&mut advice[g.index()][usable..]);
                        }
                    }
                    Stage::RunningSums => junk(&mut advice[ext.running_sum[0].index()][usable + 1..]),
                }
            };
            let (proof, failing) =
                prove_forging(&pk, &honest(), &CpuBackend, &mut rand_core::OsRng, &Default::default(), &forge).unwrap();
            assert!(failing.is_empty(), "zk {zero_knowledge}: {failing:?}");
            verify(pk.vk(), &[], &proof).unwrap();
        }
    }

    #[test]
    fn a_decoded_key_derives_the_keygen_plan_and_modes_do_not_cross() {
        // Eight degree-3 lookups: LogUpPlan::new raises the bound above cs.degree().
        let circuit = LookupBatches::new(vec![3; 8]);
        let plain = key(&circuit, false);
        let zk = key(&circuit, true);
        let cs_degree = plain.vk().extended().cs.degree();
        assert!(plain.vk().extended().logup.bound > cs_degree, "the degree is raised");
        for pk in [&plain, &zk] {
            let decoded = VerifyingKey::from_bytes(&pk.vk().to_bytes()).unwrap();
            assert_eq!(decoded.extended().logup, pk.vk().extended().logup);
            assert_eq!(decoded.digest(), pk.vk().digest());
        }
        assert_ne!(plain.vk().digest(), zk.vk().digest());
        let zk_proof = crate::plonk::prove(&zk, &circuit, &CpuBackend).unwrap();
        let plain_proof = crate::plonk::prove(&plain, &circuit, &CpuBackend).unwrap();
        verify(zk.vk(), &[], &zk_proof).unwrap();
        verify(plain.vk(), &[], &plain_proof).unwrap();
        assert!(verify(plain.vk(), &[], &zk_proof).is_err());
        assert!(verify(zk.vk(), &[], &plain_proof).is_err());
    }

    /// Replaces the first occurrence of `from` in `bytes` by `to` (same length).
    fn replace_once(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        assert_eq!(from.len(), to.len());
        let at = bytes.windows(from.len()).position(|w| w == from).expect("present");
        let mut out = bytes.to_vec();
        out[at..at + from.len()].copy_from_slice(to);
        out
    }

    #[test]
    fn every_byte_of_a_verifying_key_matters() {
        // Bytes that change no constraint must still be covered by the digest: the name of a
        // table no lookup reads, and the name of a lookup summed in the running-sum step (its
        // name is in no constraint name; helper constraints do name theirs). A review found
        // both outside the digest; shape.rs now hashes the tables and lookups as declared.
        let pk = key(&honest(), false);
        let bytes = pk.vk().to_bytes();
        let renames: [(&[u8], &[u8]); 3] = [
            (b"bytes, unused", b"bytes, UNUSED"),
            (b"v[0] is a byte", b"v[0] is a BYTE"),
            (b"v[2] is a byte", b"v[2] is a BYTE"),
        ];
        let accepted: Vec<String> = renames
            .iter()
            .filter(|(from, to)| VerifyingKey::from_bytes(&replace_once(&bytes, from, to)).is_ok())
            .map(|(from, _)| String::from_utf8_lossy(from).into_owned())
            .collect();
        assert!(accepted.is_empty(), "renamed, the key still decodes with its digest: {accepted:?}");
    }
}

#[cfg(test)]
mod degenerate_keys {
    use crate::backend::CpuBackend;
    use crate::plonk::keygen::vk_digest;
    use crate::plonk::{VerifyingKey, keygen};
    use crate::srs::Srs;
    use crate::testing::LookupBatches;

    #[test]
    fn a_key_without_usable_rows_is_refused_on_decoding() {
        // keygen refuses a k whose rows are all reserved (Layout::new: DomainTooSmall); a key
        // decoded from bytes must be refused too: with no usable row `l_active` vanishes
        // everywhere and no lookup, copy or logUp/permutation step is enforced.
        let circuit = LookupBatches::new(vec![1, 1]);
        let pk = keygen(&Srs::unsafe_setup(9, 3).unwrap(), &circuit, 9, &CpuBackend).unwrap();
        let vk = pk.vk();
        let reserved = vk.extended().cs.reserved_rows();
        let k = (0..9u32).rev().find(|&k| (1usize << k) <= reserved).expect("a k without usable rows");
        let mut bytes = vk.to_bytes();
        bytes[8..12].copy_from_slice(&k.to_be_bytes());
        let key_points = [vk.fixed_commitments.as_slice(), &vk.sigma_commitments].concat();
        let digest = vk_digest(k, vk.extended(), &key_points, vk.g1, vk.g2, vk.tau_g2);
        let at = bytes.len() - 32;
        bytes[at..].copy_from_slice(&digest);
        assert!(VerifyingKey::from_bytes(&bytes).is_err(), "k = {k} ({reserved} reserved rows) decodes");
    }
}
