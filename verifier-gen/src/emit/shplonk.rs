//! The SHPLONK opening check: every commitment's scalar, the MSM (in this contract or, with a
//! separate key, partly in the key contract), the pairing; and the key contract itself.

use std::collections::BTreeSet;

use ff::Field;
use rebuttal_prover::arith::{Fr, G1Affine};

use super::{CONTRACT_NAME, KEY_CONTRACT_NAME, fail, helper_functions};
use crate::GenerateError;
use crate::abi::RevertReason;
use crate::expr::{Dag, Id};
use crate::plan::{ACC, Commitment, Plan};
use crate::yul::{Code, Q_HEX, addr, g1_hex, g2_hex};

/// verify.rs SHPLONK: F = Σ_s x2^s·Z_{T∖S}(u)·(Σ_i x1^i·C_i − r_s(u)·[1]) − Z_T(u)·W, then
/// e(F + u·W', [1]₂) = e(W', [τ]₂), checked as e(F + u·W', [1]₂)·e(−W', [τ]₂) = 1.
pub(super) fn shplonk(p: &mut Plan<'_>, c: &mut Code, split_key: bool) -> Result<Option<Vec<G1Affine>>, GenerateError> {
    let mut d = Dag::new();
    // With a split key, the key's scalars go to consecutive slots: the helper's call data.
    let key_terms = 1 + p
        .shape
        .groups
        .iter()
        .flat_map(|(_, polys)| polys)
        .filter(|poly| matches!(p.commitments.get(poly), Some(Commitment::Vk(_))))
        .count();
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
    let all: BTreeSet<i32> = p.shape.groups.iter().flat_map(|(rots, _)| rots.iter().copied()).collect();
    let diff = |d: &mut Dag, rot: i32| {
        let pt = d.memory(p.point[&rot]);
        d.sub(u, pt)
    };
    let mut z_all = one;
    for &rot in &all {
        let t = diff(&mut d, rot);
        z_all = d.mul(z_all, t);
    }
    let mut outputs: Vec<(Id, usize)> = Vec::new();
    let mut terms: Vec<(Commitment, usize, String)> = Vec::new();
    let mut g_sum = d.constant(Fr::ZERO);
    let mut x2_power = one;
    for (s, (rots, polys)) in p.shape.groups.iter().enumerate() {
        let mut z_rest = one;
        for &rot in all.iter().filter(|r| !rots.contains(r)) {
            let t = diff(&mut d, rot);
            z_rest = d.mul(z_rest, t);
        }
        let scale = d.mul(x2_power, z_rest);
        let mut x1_power = one;
        let mut values = vec![d.constant(Fr::ZERO); rots.len()];
        for &poly in polys {
            let scalar = d.mul(scale, x1_power);
            let commitment = *p
                .commitments
                .get(&poly)
                .ok_or_else(|| GenerateError::Inconsistent(format!("no commitment for {poly:?}")))?;
            match commitment {
                Commitment::Vk(point) if split_key => {
                    outputs.push((scalar, key_base + 32 * key_points.len()));
                    key_points.push(point);
                }
                _ => {
                    let slot = p.mem.slot();
                    outputs.push((scalar, slot));
                    terms.push((commitment, slot, format!("{poly:?} (group {s})")));
                }
            }
            for (v, &rot) in values.iter_mut().zip(rots) {
                let cd = *p
                    .eval_cd
                    .get(&(poly, rot))
                    .ok_or_else(|| GenerateError::Inconsistent(format!("{poly:?} at {rot} is not opened")))?;
                let e = d.calldata(cd);
                let t = d.mul(e, x1_power);
                *v = d.add(*v, t);
            }
            x1_power = d.mul(x1_power, x1);
        }
        // r_s(u) = Σ_j v_j Π_{k≠j}(u − x_k) / Π_{k≠j}(x_j − x_k), where x_j − x_k = x·(ω^j − ω^k).
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
                    let t = diff(&mut d, rk);
                    num = d.mul(num, t);
                    den *= wj - p.domain.rotate_omega(rk as i64);
                }
            }
            let den_inv = Option::<Fr>::from(den.invert())
                .ok_or_else(|| GenerateError::Inconsistent(format!("repeated rotation in group {s}")))?;
            let k = d.constant(den_inv);
            let t = d.mul(num, k);
            r_at_u = d.add(r_at_u, t);
        }
        let t = d.mul(scale, r_at_u);
        g_sum = d.add(g_sum, t);
        x2_power = d.mul(x2_power, x2);
    }
    let g_scalar = d.neg(g_sum);
    let w_scalar = d.neg(z_all);
    let (g_slot, w_slot) = (p.mem.slot(), p.mem.slot());
    outputs.push((w_scalar, w_slot));
    let (g1, g2, tau_g2) = p.vk.srs_points();
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
        c.comment(format!(
            "The key's {} commitments and [1]₁: their MSM runs in {KEY_CONTRACT_NAME} (its address is at {}).",
            key_points.len() - 1,
            addr(p.key_msm_slot)
        ));
        c.line(format!(
            "if iszero(staticcall(gas(), mload({}), {}, {}, {}, 0x40)) {{ {} }}",
            addr(p.key_msm_slot),
            addr(key_base),
            addr(32 * key_points.len()),
            addr(ACC),
            fail(RevertReason::PrecompileFailed)
        ));
        c.line(format!("if iszero(eq(returndatasize(), 0x40)) {{ {} }}", fail(RevertReason::PrecompileFailed)));
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
    Ok(split_key.then_some(key_points))
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
