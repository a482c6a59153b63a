//! The SHPLONK opening check: every commitment's scalar, the MSM (in this contract, and for a
//! key out of line partly in the key contract or helpers), the pairing; and the key contract.
//!
//! Two forms of the per-commitment work ([`MsmCode`]): straight-line code (cheapest in gas,
//! ~55 bytes per opened polynomial), or loops over runs of commitments that lie next to each
//! other in the proof, so the code grows with the rotation sets and runs, not with the columns.
//!
//! Packed keys (`ProofShape::packing` > 1) take either form: one MSM term per pack, its
//! members' evaluations combined as `Σ_j u^j·f_j` (Horner's rule), the vanishing factors
//! `u^t − ω^rot·x` per label `(t, rot)` and the interpolation at `u^t`. The loop form walks
//! runs of packs (`packRun`, `keyPackRun`), which works because a packed proof orders its
//! claims pack by pack and, within a pack, rotation by rotation with every member: a pack's
//! claims at one rotation are contiguous. With t = 1 every step builds exactly the code of
//! plain SHPLONK, and without packing the loop form is the one unpacked keys always had.

use ff::Field;
use rebuttal_prover::arith::{Fr, G1Affine};
use rebuttal_prover::plonk::proof::Poly;

use super::{CONTRACT_NAME, KEY_CONTRACT_NAME, fail, helper_functions, helpers};
use crate::abi::RevertReason;
use crate::expr::{Dag, Id};
use crate::plan::{ACC, Commitment, LoopSlots, Plan};
use crate::yul::{Code, Q_HEX, R_HEX, addr, g1_hex, g2_hex, word_hex};
use crate::{GenerateError, HelperContract, HelperRole, KEY_POINTS_PER_HELPER, KeyPlacement, Layout, MsmCode};

/// verify.rs SHPLONK: F = Σ_s x2^s·Z_{T∖S}(u)·(Σ_i x1^i·C_i − r_s(u)·[1]) − Z_T(u)·W, then
/// e(F + u·W', [1]₂) = e(W', [τ]₂), checked as e(F + u·W', [1]₂)·e(−W', [τ]₂) = 1. With
/// packing, Z_T and Z_{T∖S} are products of `u^t − ω^rot·x` and r_s is evaluated at `u^t`.
///
/// Returns the key's points (and `[1]₁`) when they go to the Solidity key contract.
pub(super) fn shplonk(
    p: &mut Plan<'_>,
    c: &mut Code,
    layout: Layout,
    helpers: &mut Vec<HelperContract>,
) -> Result<Option<Vec<G1Affine>>, GenerateError> {
    let key_points = match layout.msm {
        MsmCode::StraightLine => straight_line(p, c, layout.key, helpers)?,
        MsmCode::Loop => looped(p, c, layout.key, helpers)?,
    };
    pairing(p, c);
    Ok((layout.key == KeyPlacement::Separate).then_some(key_points))
}

/// The number of scalars the key's MSM takes: its opened points and `[1]₁`.
fn key_terms(p: &Plan<'_>) -> usize {
    1 + p
        .shape
        .groups
        .iter()
        .flat_map(|(_, polys)| polys)
        .filter(|poly| matches!(p.commitments.get(poly), Some(Commitment::Vk(_))))
        .count()
}

fn commitment_of(p: &Plan<'_>, poly: &Poly) -> Result<Commitment, GenerateError> {
    p.commitments.get(poly).copied().ok_or_else(|| GenerateError::Inconsistent(format!("no commitment for {poly:?}")))
}

/// `u^t` in the DAG by square-and-multiply (`t` is a pack's member count, so small); `u` itself
/// for t = 1, adding no node, so that unpacked keys give the same DAG as plain SHPLONK. Shared
/// subexpressions (u², u⁴, …) are computed once through the DAG's hash-consing.
fn power(d: &mut Dag, u: Id, t: usize) -> Id {
    match t {
        0 => d.constant(Fr::ONE),
        1 => u,
        t if t % 2 == 0 => {
            let half = power(d, u, t / 2);
            d.mul(half, half)
        }
        t => {
            let rest = power(d, u, t - 1);
            d.mul(rest, u)
        }
    }
}

/// The comment naming commitment `head` of group `s` in the MSM: the polynomial, or for a pack
/// its members.
fn describe(p: &Plan<'_>, head: Poly, s: usize) -> String {
    match p.shape.members(head) {
        [_] => format!("{head:?} (group {s})"),
        members => format!("{members:?} packed (group {s})"),
    }
}

/// Straight-line form: every scalar computed by one DAG, then one MSM line per commitment (per
/// pack with packing).
fn straight_line(
    p: &mut Plan<'_>,
    c: &mut Code,
    key: KeyPlacement,
    helpers: &mut Vec<HelperContract>,
) -> Result<Vec<G1Affine>, GenerateError> {
    let split_key = key != KeyPlacement::Inline;
    let mut d = Dag::new();
    // With a split key, the key's scalars go to consecutive slots: the key MSM's call data.
    let key_terms = key_terms(p);
    let key_base = p.mem.end();
    if split_key {
        p.mem.bump_to(key_base + 32 * key_terms);
    }
    let mut key_points: Vec<G1Affine> = Vec::new();
    let u = d.memory(p.u);
    let x1 = d.memory(p.x1);
    let x2 = d.memory(p.x2);
    let inv_x = d.memory(p.inverse_x);
    let one = d.constant(Fr::ONE);
    // The vanishing factors u^t − ω^rot·x, one per label (t, rot) (see `ProofShape::opening_labels`
    // and the prover's `proof` docs, "Packed commitments"); without packing t = 1 and these are
    // the u − ω^rot·x of plain SHPLONK, in rotation order.
    let labels = p.shape.opening_labels();
    let diff = |d: &mut Dag, t: usize, rot: i32| {
        let u_t = power(d, u, t);
        let pt = d.memory(p.point[&rot]);
        d.sub(u_t, pt)
    };
    let mut z_all = one;
    for &(t, rot) in &labels {
        let f = diff(&mut d, t, rot);
        z_all = d.mul(z_all, f);
    }
    let mut outputs: Vec<(Id, usize)> = Vec::new();
    let mut terms: Vec<(Commitment, usize, String)> = Vec::new();
    let mut g_sum = d.constant(Fr::ZERO);
    let mut x2_power = one;
    for (s, (rots, heads)) in p.shape.groups.iter().enumerate() {
        // Every commitment of the group has `t` members (1 without packing).
        let t = p.shape.group_packing(s);
        let mut z_rest = one;
        for &(lt, rot) in labels.iter().filter(|&&(lt, r)| !(lt == t && rots.contains(&r))) {
            let f = diff(&mut d, lt, rot);
            z_rest = d.mul(z_rest, f);
        }
        let scale = d.mul(x2_power, z_rest);
        let mut x1_power = one;
        let mut values = vec![d.constant(Fr::ZERO); rots.len()];
        for &head in heads {
            let scalar = d.mul(scale, x1_power);
            let commitment = commitment_of(p, &head)?;
            match commitment {
                Commitment::Vk(point) if split_key => {
                    outputs.push((scalar, key_base + 32 * key_points.len()));
                    key_points.push(point);
                }
                _ => {
                    let slot = p.mem.slot();
                    outputs.push((scalar, slot));
                    terms.push((commitment, slot, describe(p, head, s)));
                }
            }
            let members = p.shape.members(head);
            for (v, &rot) in values.iter_mut().zip(rots) {
                // Σ_j u^j·f_j(ω^rot·x) over the members, by Horner's rule (f_0 alone without
                // packing), weighted by x1^c.
                let mut packed = None;
                for &member in members.iter().rev() {
                    let cd = *p
                        .eval_cd
                        .get(&(member, rot))
                        .ok_or_else(|| GenerateError::Inconsistent(format!("{member:?} at {rot} is not opened")))?;
                    let e = d.calldata(cd);
                    packed = Some(match packed {
                        None => e,
                        Some(acc) => {
                            let shifted = d.mul(acc, u);
                            d.add(shifted, e)
                        }
                    });
                }
                let e = packed.ok_or_else(|| GenerateError::Inconsistent(format!("{head:?} has no members")))?;
                let term = d.mul(e, x1_power);
                *v = d.add(*v, term);
            }
            x1_power = d.mul(x1_power, x1);
        }
        // r_s(u) = Σ_j v_j Π_{k≠j}(u^t − x_k) / Π_{k≠j}(x_j − x_k), where x_j − x_k = x·(ω^j − ω^k):
        // the interpolation of the v_j over the group's points, at u^t (at u without packing).
        let mut inv_x_power = one;
        for _ in 1..rots.len() {
            inv_x_power = d.mul(inv_x_power, inv_x);
        }
        let mut r_at_u = d.constant(Fr::ZERO);
        for (j, &rj) in rots.iter().enumerate() {
            let wj = p.domain.rotate_omega(rj as i64);
            let mut num = d.mul(values[j], inv_x_power);
            let mut den = Fr::ONE;
            for (k, &rk) in rots.iter().enumerate() {
                if k != j {
                    let f = diff(&mut d, t, rk);
                    num = d.mul(num, f);
                    den *= wj - p.domain.rotate_omega(rk as i64);
                }
            }
            let den_inv = Option::<Fr>::from(den.invert())
                .ok_or_else(|| GenerateError::Inconsistent(format!("repeated rotation in group {s}")))?;
            let k = d.constant(den_inv);
            let term = d.mul(num, k);
            r_at_u = d.add(r_at_u, term);
        }
        let term = d.mul(scale, r_at_u);
        g_sum = d.add(g_sum, term);
        x2_power = d.mul(x2_power, x2);
    }
    let g_scalar = d.neg(g_sum);
    let w_scalar = d.neg(z_all);
    let (g_slot, w_slot) = (p.mem.slot(), p.mem.slot());
    outputs.push((w_scalar, w_slot));
    let (g1, _, _) = p.vk.srs_points();
    if split_key {
        outputs.push((g_scalar, key_base + 32 * key_points.len()));
        key_points.push(g1);
    } else {
        outputs.push((g_scalar, g_slot));
        terms.push((Commitment::Vk(g1), g_slot, "[1]₁ (Σ_s −x2^s·Z_{T∖S}(u)·r_s(u))".into()));
    }
    terms.push((Commitment::Proof(p.w_cd), w_slot, "W (−Z_T(u))".into()));
    terms.push((Commitment::Proof(p.w_cd + 64), p.u, "W' (u)".into()));

    c.line("");
    c.comment("verify.rs SHPLONK: the scalar of every commitment in F + u·W'.");
    let temps = p.mem.end();
    let used = d.emit(&outputs, temps, c);
    p.reserve(temps, used);
    if split_key {
        key_msm(p, c, key, key_base, &key_points, true, helpers)?;
    }
    c.comment(format!("The MSM: {} ecMul + ecAdd (precompiles 0x07, 0x06).", terms.len()));
    for (i, (commitment, slot, what)) in terms.iter().enumerate() {
        let f = if i == 0 && !split_key { "mulSet" } else { "mulAcc" };
        let (px, py) = match commitment {
            Commitment::Vk(pt) => g1_hex(pt),
            Commitment::Proof(cd) => {
                (format!("calldataload({})", addr(*cd)), format!("calldataload({})", addr(cd + 32)))
            }
        };
        c.line(format!("{f}({px}, {py}, mload({})) // {what}", addr(*slot)));
    }
    Ok(key_points)
}

/// A run of commitments of one group (polynomials, or packs of `t` members with packing) whose
/// commitments and evaluations are consecutive in the proof: `count` of them, commitments from
/// call-data offset `commitment` (0: key points, whose scalars go to the next key slots),
/// evaluations from `evals` (`m·t` words per commitment).
struct Run {
    count: usize,
    commitment: usize,
    evals: usize,
}

/// Loop form: per group, straight-line code for its scale and interpolation, and one call per
/// run of the Yul functions of [`loop_functions`] for its commitments: `pointRun`/`keyRun`
/// without packing, `packRun`/`keyPackRun` (which fold a pack's members by Horner's rule in u)
/// with it.
fn looped(
    p: &mut Plan<'_>,
    c: &mut Code,
    key: KeyPlacement,
    helpers: &mut Vec<HelperContract>,
) -> Result<Vec<G1Affine>, GenerateError> {
    let packed = p.shape.packing > 1;
    // The vanishing factors' labels (t, rot), one d slot each: without packing t = 1 and these
    // are the opened rotations in order, the d_t of plain SHPLONK.
    let labels = p.shape.opening_labels();
    if labels.len() > 256 {
        let what = if packed { "distinct vanishing factors u^t − ω^rot·x" } else { "distinct opening points" };
        return Err(GenerateError::Unsupported(format!("{} {what} (the loop form handles up to 256)", labels.len())));
    }
    let index = |label: (usize, i32)| {
        labels
            .iter()
            .position(|&l| l == label)
            .ok_or_else(|| GenerateError::Inconsistent(format!("no vanishing factor for {label:?}")))
    };
    let max_m = p.shape.groups.iter().map(|(rots, _)| rots.len()).max().unwrap_or(1);
    let d_base = p.mem.end();
    p.mem.bump_to(d_base + 32 * labels.len());
    let vals = p.mem.end();
    p.mem.bump_to(vals + 32 * max_m);
    let slots = LoopSlots { d: d_base, vals, scale: p.mem.slot(), x1_power: p.mem.slot(), key_next: p.mem.slot() };
    let (x2_power, g_sum, r_at_u) = (p.mem.slot(), p.mem.slot(), p.mem.slot());
    let key_base = p.mem.end();
    p.mem.bump_to(key_base + 32 * key_terms(p));
    p.loop_slots = Some(slots);

    c.line("");
    c.comment("verify.rs SHPLONK, as loops: F + u·W' accumulates at ACC, starting from the identity.");
    c.comment("d_t = u − ω^t·x for every opening point t, in rotation order (Z_T(u) = Π d_t).");
    if packed {
        c.comment("Packed: one d per label (t, rot), u^t − ω^rot·x for packs of t members, labels sorted.");
    }
    c.line(format!("mstore({}, 0)", addr(ACC)));
    c.line(format!("mstore({}, 0)", addr(ACC + 32)));
    let mut powers = Dag::new();
    let u = powers.memory(p.u);
    let mut wide: Vec<(Id, usize)> = Vec::new();
    for (i, &(t, rot)) in labels.iter().enumerate() {
        if t == 1 {
            c.line(format!(
                "mstore({}, addmod(mload({}), sub(r, mload({})), r)) // rotation {rot}",
                addr(slots.d + 32 * i),
                addr(p.u),
                addr(p.point[&rot])
            ));
        } else {
            // u^t by square-and-multiply, shared between the labels of one t.
            let u_t = power(&mut powers, u, t);
            let pt = powers.memory(p.point[&rot]);
            wide.push((powers.sub(u_t, pt), slots.d + 32 * i));
        }
    }
    if !wide.is_empty() {
        let temps = p.mem.end();
        let used = powers.emit(&wide, temps, c);
        p.reserve(temps, used);
    }
    c.line(format!("mstore({}, 1)", addr(x2_power)));
    c.line(format!("mstore({}, 0)", addr(g_sum)));
    c.line(format!("mstore({}, {})", addr(slots.key_next), addr(key_base)));
    let mut key_points: Vec<G1Affine> = Vec::new();
    let groups = p.shape.groups.clone();
    for (s, (rots, heads)) in groups.iter().enumerate() {
        let m = rots.len();
        // Every commitment of the group has `t` members (1 without packing).
        let t = p.shape.group_packing(s);
        let mut runs: Vec<Run> = Vec::new();
        for head in heads {
            let members = p.shape.members(*head);
            if members.len() != t {
                return Err(GenerateError::Inconsistent(format!(
                    "{head:?} has {} members in a group of packs of {t}",
                    members.len()
                )));
            }
            let e = *p
                .eval_cd
                .get(&(*head, rots[0]))
                .ok_or_else(|| GenerateError::Inconsistent(format!("{head:?} at {} is not opened", rots[0])))?;
            // The functions walk a commitment's m·t claims in proof order: rotation by rotation,
            // every member (member 0 first) at each.
            for (j, &rot) in rots.iter().enumerate() {
                for (i, member) in members.iter().enumerate() {
                    if p.eval_cd.get(&(*member, rot)) != Some(&(e + 32 * (t * j + i))) {
                        return Err(GenerateError::Inconsistent(format!("{head:?}'s evaluations are not consecutive")));
                    }
                }
            }
            let cd = match commitment_of(p, head)? {
                Commitment::Proof(cd) => cd,
                Commitment::Vk(point) => {
                    key_points.push(point);
                    0
                }
            };
            match runs.last_mut() {
                Some(run)
                    if (run.commitment == 0) == (cd == 0)
                        && (cd == 0 || cd == run.commitment + 64 * run.count)
                        && e == run.evals + 32 * m * t * run.count =>
                {
                    run.count += 1
                }
                _ => runs.push(Run { count: 1, commitment: cd, evals: e }),
            }
        }
        let mut mask = [0u8; 32];
        for (i, &(lt, rot)) in labels.iter().enumerate() {
            if !(lt == t && rots.contains(&rot)) {
                mask[31 - i / 8] |= 1 << (i % 8);
            }
        }
        if packed {
            c.comment(format!("group {s}: rotations {rots:?}, {} packs of {t} in {} runs.", heads.len(), runs.len()));
        } else {
            c.comment(format!("group {s}: rotations {rots:?}, {} polynomials in {} runs.", heads.len(), runs.len()));
        }
        c.comment("scale = x2^s·Z_{T∖S}(u); the x1-weighted evaluation sums v_j start at 0.");
        c.line(format!(
            "mstore({}, mulmod(mload({}), zMask({}), r))",
            addr(slots.scale),
            addr(x2_power),
            word_hex(&mask)
        ));
        c.line(format!("mstore({}, 1)", addr(slots.x1_power)));
        c.line(format!("calldatacopy({}, calldatasize(), {})", addr(slots.vals), addr(32 * m)));
        for run in &runs {
            match (run.commitment, packed) {
                (0, false) => c.line(format!("keyRun({}, {}, {m})", run.count, addr(run.evals))),
                (0, true) => c.line(format!("keyPackRun({}, {}, {m}, {t})", run.count, addr(run.evals))),
                (cd, false) => c.line(format!("pointRun({}, {}, {}, {m})", run.count, addr(cd), addr(run.evals))),
                (cd, true) => c.line(format!("packRun({}, {}, {}, {m}, {t})", run.count, addr(cd), addr(run.evals))),
            }
        }
        // r_s(u) = x^−(m−1)·Σ_j v_j·K_j·Π_{k≠j} d_k with K_j = 1/Π_{k≠j}(ω^j − ω^k), by the
        // recurrence T_j = T_{j−1}·d_j + v_j·K_j·Π_{k<j} d_k (linear in m, no inversion). With
        // packing the d_k are the group's u^t − ω^k·x: the interpolation is at u^t.
        c.comment("r_s(u), the interpolation of the v_j at the group's points, then g += scale·r_s(u).");
        let mut d = Dag::new();
        let one = d.constant(Fr::ONE);
        let inv_x = d.memory(p.inverse_x);
        let mut acc = d.constant(Fr::ZERO);
        let mut prefix = one;
        for (j, &rj) in rots.iter().enumerate() {
            let wj = p.domain.rotate_omega(rj as i64);
            let den: Fr =
                rots.iter().filter(|&&rk| rk != rj).map(|&rk| wj - p.domain.rotate_omega(rk as i64)).product();
            let k = Option::<Fr>::from(den.invert())
                .ok_or_else(|| GenerateError::Inconsistent(format!("repeated rotation in group {s}")))?;
            let dj = d.memory(slots.d + 32 * index((t, rj))?);
            let v = d.memory(slots.vals + 32 * j);
            let k = d.constant(k);
            let term = d.mul(v, k);
            let term = d.mul(term, prefix);
            let t = d.mul(acc, dj);
            acc = d.add(t, term);
            prefix = d.mul(prefix, dj);
        }
        for _ in 1..m {
            acc = d.mul(acc, inv_x);
        }
        let temps = p.mem.end();
        let used = d.emit(&[(acc, r_at_u)], temps, c);
        p.reserve(temps, used);
        c.line(format!(
            "mstore({}, addmod(mload({}), mulmod(mload({}), mload({}), r), r))",
            addr(g_sum),
            addr(g_sum),
            addr(slots.scale),
            addr(r_at_u)
        ));
        c.line(format!("mstore({}, mulmod(mload({}), mload({}), r))", addr(x2_power), addr(x2_power), addr(p.x2)));
    }
    let mut full = [0u8; 32];
    for i in 0..labels.len() {
        full[31 - i / 8] |= 1 << (i % 8);
    }
    c.comment("W with −Z_T(u), W' with u.");
    c.line(format!(
        "mulAcc(calldataload({}), calldataload({}), sub(r, zMask({})))",
        addr(p.w_cd),
        addr(p.w_cd + 32),
        word_hex(&full)
    ));
    c.line(format!(
        "mulAcc(calldataload({}), calldataload({}), mload({}))",
        addr(p.w_cd + 64),
        addr(p.w_cd + 96),
        addr(p.u)
    ));
    c.comment("[1]₁ with −Σ_s x2^s·Z_{T∖S}(u)·r_s(u): the last key scalar.");
    c.line(format!("mstore({}, sub(r, mload({})))", addr(key_base + 32 * key_points.len()), addr(g_sum)));
    let (g1, _, _) = p.vk.srs_points();
    key_points.push(g1);
    if key == KeyPlacement::Inline {
        c.comment(format!("The key's {} points (constants here).", key_points.len()));
        for (i, pt) in key_points.iter().enumerate() {
            let (px, py) = g1_hex(pt);
            c.line(format!("mulAcc({px}, {py}, mload({}))", addr(key_base + 32 * i)));
        }
    } else {
        key_msm(p, c, key, key_base, &key_points, false, helpers)?;
    }
    Ok(key_points)
}

/// The Yul functions of the loop form (emitted only with it): `pointRun` and `keyRun`, or for
/// a packed key `packRun` and `keyPackRun`; then `zMask`.
pub(super) fn loop_functions(p: &Plan<'_>, c: &mut Code) {
    let Some(s) = p.loop_slots else { return };
    let packed = p.shape.packing > 1;
    for key in [false, true] {
        if packed {
            pack_run_function(p, s, key, c);
        } else {
            run_function(p, s, key, c);
        }
    }
    c.comment("Π of the d_t (at consecutive slots) whose bit is set in `mask`, bit 0 first.");
    c.open("function zMask(mask) -> z");
    c.line("z := 1");
    c.open(format!("for {{ let a := {} }} mask {{ mask := shr(1, mask) a := add(a, 0x20) }}", addr(s.d)));
    c.line(format!("if and(mask, 1) {{ z := mulmod(z, mload(a), {R_HEX}) }}"));
    c.close();
    c.close();
}

/// A commitment's MSM term in a run function, `x1p` its power of x1: with `key`, its scalar
/// `scale·x1p` to the next key slot `k`; else `ACC += scale·x1p·C` for the point at call data
/// `c` (ecMul 0x07 and ecAdd 0x06 written out), and `c` moves to the next point.
fn run_term(c: &mut Code, key: bool) {
    if key {
        c.line("mstore(k, mulmod(scale, x1p, r))");
        c.line("k := add(k, 0x20)");
    } else {
        let failure = fail(RevertReason::PrecompileFailed);
        c.line("mstore(0x00, calldataload(c))");
        c.line("mstore(0x20, calldataload(add(c, 0x20)))");
        c.line("mstore(0x40, mulmod(scale, x1p, r))");
        // Yul evaluates arguments right to left: the size check must follow the call.
        c.line("let ok := staticcall(gas(), 0x07, 0x00, 0x60, 0x00, 0x40)");
        c.line("ok := and(ok, eq(returndatasize(), 0x40))");
        c.line(format!("mstore(0x40, mload({}))", addr(ACC)));
        c.line(format!("mstore(0x60, mload({}))", addr(ACC + 32)));
        c.line(format!("ok := and(ok, staticcall(gas(), 0x06, 0x00, 0x80, {}, 0x40))", addr(ACC)));
        c.line("ok := and(ok, eq(returndatasize(), 0x40))");
        c.line(format!("if iszero(ok) {{ {failure} }}"));
        c.line("c := add(c, 0x40)");
    }
}

/// The loads every run function starts with: r, the group's scale, x1 and the next power of
/// x1, and with `key` the next key slot.
fn run_prologue(p: &Plan<'_>, s: LoopSlots, key: bool, c: &mut Code) {
    c.line(format!("let r := {R_HEX}"));
    c.line(format!("let scale := mload({})", addr(s.scale)));
    c.line(format!("let x1 := mload({})", addr(p.x1)));
    c.line(format!("let x1p := mload({})", addr(s.x1_power)));
    if key {
        c.line(format!("let k := mload({})", addr(s.key_next)));
    }
}

/// What every run function ends with: the next power of x1 (and key slot) stored back.
fn run_epilogue(s: LoopSlots, key: bool, c: &mut Code) {
    c.line(format!("mstore({}, x1p)", addr(s.x1_power)));
    if key {
        c.line(format!("mstore({}, k)", addr(s.key_next)));
    }
}

/// `pointRun` (or with `key`, `keyRun`): a run of unpacked polynomials.
fn run_function(p: &Plan<'_>, s: LoopSlots, key: bool, c: &mut Code) {
    if key {
        c.comment("SHPLONK, a run of `count` key polynomials of a group with `m` rotations: their scalars");
        c.comment("scale·x1^i go to the next key slots, and v_j += x1^i·eval_j (evaluations from call data `e`).");
        c.open("function keyRun(count, e, m)");
    } else {
        c.comment("SHPLONK, a run of `count` polynomials of a group with `m` rotations whose commitments lie");
        c.comment("in the proof from call data `c`: ACC += scale·x1^i·C_i (ecMul 0x07 and ecAdd 0x06 written");
        c.comment("out), and v_j += x1^i·eval_j (evaluations from call data `e`, m per polynomial).");
        c.open("function pointRun(count, c, e, m)");
    }
    run_prologue(p, s, key, c);
    // The commitment's term, then the evaluation sums, which differ by m.
    c.open("switch m case 1");
    c.line(format!("let v := mload({})", addr(s.vals)));
    c.open("for { } count { count := sub(count, 1) }");
    run_term(c, key);
    c.line("v := addmod(v, mulmod(calldataload(e), x1p, r), r)");
    c.line("e := add(e, 0x20)");
    c.line("x1p := mulmod(x1p, x1, r)");
    c.close();
    c.line(format!("mstore({}, v)", addr(s.vals)));
    c.close();
    c.open("default");
    c.line(format!("let vend := add({}, shl(5, m))", addr(s.vals)));
    c.open("for { } count { count := sub(count, 1) }");
    run_term(c, key);
    c.open(format!("for {{ let v := {} }} lt(v, vend) {{ v := add(v, 0x20) }}", addr(s.vals)));
    c.line("mstore(v, addmod(mload(v), mulmod(calldataload(e), x1p, r), r))");
    c.line("e := add(e, 0x20)");
    c.close();
    c.line("x1p := mulmod(x1p, x1, r)");
    c.close();
    c.close();
    run_epilogue(s, key, c);
    c.close();
}

/// `packRun` (or with `key`, `keyPackRun`): a run of packs of `t` members. Per pack one MSM
/// term, and per rotation j its t claims (contiguous, member 0 first) folded as
/// `Σ_i u^i·eval_i` by Horner's rule from member t − 1, then `v_j += x1^c·fold`: the values
/// verify.rs interpolates at u^t.
fn pack_run_function(p: &Plan<'_>, s: LoopSlots, key: bool, c: &mut Code) {
    if key {
        c.comment("SHPLONK, a run of `count` key packs of `t` members in a group with `m` rotations: their");
        c.comment("scalars scale·x1^i go to the next key slots, and v_j += x1^i·Σ_l u^l·eval_{j,l} (the claims");
        c.comment("from call data `e`, rotation by rotation, t per rotation, member 0 first).");
        c.open("function keyPackRun(count, e, m, t)");
    } else {
        c.comment("SHPLONK, a run of `count` packs of `t` members in a group with `m` rotations whose commitments");
        c.comment("lie in the proof from call data `c`: ACC += scale·x1^i·C_i (ecMul 0x07 and ecAdd 0x06 written");
        c.comment("out), and v_j += x1^i·Σ_l u^l·eval_{j,l} (the claims from call data `e`, rotation by rotation,");
        c.comment("t per rotation, member 0 first).");
        c.open("function packRun(count, c, e, m, t)");
    }
    run_prologue(p, s, key, c);
    c.line(format!("let u := mload({})", addr(p.u)));
    // m and t become the end of the sums and the offset of a rotation's last claim: fewer
    // variables on the stack (legacy code generation reaches 16 deep).
    c.line(format!("m := add({}, shl(5, m))", addr(s.vals)));
    c.line("t := shl(5, sub(t, 1))");
    c.open("for { } count { count := sub(count, 1) }");
    run_term(c, key);
    c.open(format!("for {{ let v := {} }} lt(v, m) {{ v := add(v, 0x20) }}", addr(s.vals)));
    c.line("let q := add(e, t)");
    c.line("let f := calldataload(q)");
    c.open("for { } gt(q, e) { }");
    c.line("q := sub(q, 0x20)");
    c.line("f := addmod(mulmod(f, u, r), calldataload(q), r)");
    c.close();
    c.line("mstore(v, addmod(mload(v), mulmod(f, x1p, r), r))");
    c.line("e := add(add(e, t), 0x20)");
    c.close();
    c.line("x1p := mulmod(x1p, x1, r)");
    c.close();
    run_epilogue(s, key, c);
    c.close();
}

/// The key's MSM, its scalars at `base` (consecutive slots): one call to the key contract or
/// one per key helper. The result goes to ACC when `into_acc`, else is added to it.
fn key_msm(
    p: &mut Plan<'_>,
    c: &mut Code,
    key: KeyPlacement,
    base: usize,
    points: &[G1Affine],
    into_acc: bool,
    helpers: &mut Vec<HelperContract>,
) -> Result<(), GenerateError> {
    let mut calls: Vec<(String, usize, usize)> = Vec::new();
    match key {
        KeyPlacement::Inline => return Err(GenerateError::Inconsistent("an inline key has no key MSM call".into())),
        KeyPlacement::Separate => {
            c.comment(format!(
                "The key's {} commitments and [1]₁: their MSM runs in {KEY_CONTRACT_NAME} (its address is at {}).",
                points.len() - 1,
                addr(p.key_msm_slot)
            ));
            calls.push((format!("mload({})", addr(p.key_msm_slot)), 0, points.len()));
        }
        KeyPlacement::Helpers => {
            c.comment(format!(
                "The key's {} commitments and [1]₁: their MSM runs in {} helper contract(s).",
                points.len() - 1,
                points.len().div_ceil(KEY_POINTS_PER_HELPER)
            ));
            for (j, chunk) in points.chunks(KEY_POINTS_PER_HELPER).enumerate() {
                let first = j * KEY_POINTS_PER_HELPER;
                let index = helpers.len();
                let code = helpers::key_msm_code(chunk)?;
                helpers.push(helpers::contract(index, HelperRole::KeyMsm { first, count: chunk.len() }, code)?);
                calls.push((p.helper_address(index)?, first, chunk.len()));
            }
        }
    }
    for (i, (address, first, count)) in calls.iter().enumerate() {
        let to_acc = into_acc && i == 0;
        c.line(format!(
            "if iszero(staticcall(gas(), {address}, {}, {}, {}, 0x40)) {{ {} }}",
            addr(base + 32 * first),
            addr(32 * count),
            addr(if to_acc { ACC } else { 0 }),
            fail(RevertReason::PrecompileFailed)
        ));
        c.line(format!("if iszero(eq(returndatasize(), 0x40)) {{ {} }}", fail(RevertReason::PrecompileFailed)));
        if !to_acc {
            c.line("addAcc()");
            p.uses_add_acc = true;
        }
    }
    Ok(())
}

/// The pairing check on ACC = F + u·W'.
fn pairing(p: &Plan<'_>, c: &mut Code) {
    let (_, g2, tau_g2) = p.vk.srs_points();
    c.comment("Pairing (precompile 0x08): e(F + u·W', [1]₂) · e(−W', [τ]₂) = 1.");
    let [a, b, cc, dd] = g2_hex(&g2);
    let [e, f, g, h] = g2_hex(&tau_g2);
    c.line(format!("mstore(0x00, mload({}))", addr(ACC)));
    c.line(format!("mstore(0x20, mload({}))", addr(ACC + 32)));
    for (i, v) in [a, b, cc, dd].iter().enumerate() {
        c.line(format!("mstore({}, {v})", addr(0x40 + 32 * i)));
    }
    c.line(format!("mstore(0xc0, calldataload({}))", addr(p.w_cd + 64)));
    c.comment("−W' = (x, q − y); the identity (0, 0) stays (0, 0).");
    c.line(format!("mstore(0xe0, mod(sub({Q_HEX}, calldataload({})), {Q_HEX}))", addr(p.w_cd + 96)));
    for (i, v) in [e, f, g, h].iter().enumerate() {
        c.line(format!("mstore({}, {v})", addr(0x100 + 32 * i)));
    }
    c.line(format!(
        "if iszero(staticcall(gas(), 0x08, 0x00, 0x180, 0x00, 0x20)) {{ {} }}",
        fail(RevertReason::PrecompileFailed)
    ));
    // A chain without the precompile answers a call with no output and leaves memory as it
    // was: demand exactly one word, and that it is 1.
    c.line(format!("if iszero(eq(returndatasize(), 0x20)) {{ {} }}", fail(RevertReason::PrecompileFailed)));
    c.line(format!("if iszero(eq(mload(0x00), 1)) {{ {} }}", fail(RevertReason::OpeningFailed)));
}

/// The helper contract: given the scalars (32 bytes each, in order) as call data, returns
/// `Σ s_i·P_i` over the verifying key's points as 64 bytes.
pub(super) fn key_contract(out: &mut Code, points: &[G1Affine]) {
    out.line(format!("/// @title The {} verifying-key points of {CONTRACT_NAME} and their MSM.", points.len()));
    out.line("/// @notice Call data: one 32-byte scalar per point, in order; returns Σ s_i·P_i as (x, y).");
    out.line("/// Deployed by the verifier's constructor; it holds no state and is safe for anyone to call.");
    out.open(format!("contract {KEY_CONTRACT_NAME}"));
    out.open("fallback() external");
    out.open("assembly");
    let mut helpers = Code::new(0);
    helper_functions(&mut helpers);
    out.append(&helpers);
    out.open("function run()");
    out.line(format!("if iszero(eq(calldatasize(), {})) {{ revert(0x00, 0x00) }}", addr(32 * points.len())));
    for (i, pt) in points.iter().enumerate() {
        let (px, py) = g1_hex(pt);
        let f = if i == 0 { "mulSet" } else { "mulAcc" };
        out.line(format!("{f}({px}, {py}, calldataload({}))", addr(32 * i)));
    }
    out.line(format!("return({}, 0x40)", addr(ACC)));
    out.close();
    out.line("run()");
    out.close();
    out.close();
    out.close();
}
