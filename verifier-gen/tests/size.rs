//! How the generated verifier grows with the circuit: a synthetic wide circuit (many columns,
//! gates, lookups and equality columns) is proven, its verifier compiled, its deployed size
//! checked against EIP-170 and the proof verified in revm.

mod common;

use common::*;
use ff::Field;
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{
    AdviceAssignment, AdviceColumn, AssignError, ChallengeValues, Circuit, ConstraintSystem, FixedAssignment,
    FixedColumn, Phase,
};
use rebuttal_verifier_gen::{KeyPlacement, SEPARATE_KEY_FROM, encode_calldata, generate, generate_with};

/// `width` advice columns where each selected row satisfies `a_{i+2} = a_i · a_{i+1}'` (a
/// rotation), `gates` gates, `lookups` byte-range lookups, equality on every fourth column.
#[derive(Clone)]
struct Wide {
    width: usize,
    gates: usize,
    lookups: usize,
}

#[derive(Clone)]
struct WideConfig {
    q: Vec<FixedColumn>,
    table: FixedColumn,
    a: Vec<AdviceColumn>,
}

impl Circuit for Wide {
    type Config = WideConfig;

    fn configure(&self, cs: &mut ConstraintSystem) -> WideConfig {
        let q: Vec<FixedColumn> = (0..self.gates).map(|_| cs.fixed_column()).collect();
        let a: Vec<AdviceColumn> = (0..self.width).map(|_| cs.advice_column(Phase::First)).collect();
        let table = cs.fixed_column();
        let t = cs.lookup_table("small", vec![table.cur()]);
        for (g, qg) in q.iter().enumerate() {
            let i = g % (self.width - 2);
            cs.create_gate(format!("g{g}"), [("mul", qg.cur() * (a[i].cur() * a[i + 1].next() - a[i + 2].cur()))]);
        }
        for l in 0..self.lookups {
            cs.lookup(format!("l{l}"), vec![q[l % q.len()].cur() * a[l % self.width].cur()], t);
        }
        for c in a.iter().step_by(4) {
            cs.enable_equality(*c);
        }
        WideConfig { q, table, a }
    }

    fn assign_fixed(&self, c: &WideConfig, fixed: &mut FixedAssignment<'_>) -> Result<(), AssignError> {
        for (g, q) in c.q.iter().enumerate() {
            fixed.set(*q, g % 4, Fr::ONE)?;
        }
        for v in 0..16u64 {
            fixed.set(c.table, v as usize, Fr::from(v))?;
        }
        fixed.copy(c.a[0].cell(0), c.a[4].cell(1))
    }

    fn assign_advice(
        &self,
        c: &WideConfig,
        phase: Phase,
        _: &ChallengeValues<'_>,
        advice: &mut AdviceAssignment<'_>,
    ) -> Result<(), AssignError> {
        // All zero except equal copies: every gate and lookup holds.
        if phase == Phase::First {
            advice.set(c.a[0], 0, Fr::ZERO)?;
        }
        Ok(())
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

#[test]
fn deployed_size_grows_with_the_circuit() {
    println!(
        "| advice | gates | lookups | proof commitments | VK commitments | key placement | deployed bytes (verifier + key) | gas |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (width, gates, lookups, placement) in [
        (8, 8, 2, KeyPlacement::Inline),
        (8, 8, 2, KeyPlacement::Separate),
        (24, 24, 6, KeyPlacement::Inline),
        (48, 40, 10, KeyPlacement::Inline),
        (48, 40, 10, KeyPlacement::Separate),
        (72, 64, 12, KeyPlacement::Separate),
    ] {
        let circuit = Wide { width, gates, lookups };
        let f = fixture_of("wide", &circuit, 6);
        let generated = generate_with(&f.vk, placement).unwrap();
        let auto = generate(&f.vk).unwrap();
        assert_eq!(auto.key_contract_name.is_some(), generated.vk_commitments >= SEPARATE_KEY_FROM);
        // Every contract of the source fits EIP-170 (checked by compile_verifier).
        let c = compile_verifier(&generated);
        let mut evm = Evm::new();
        let at = evm.deploy(&c.creation);
        let (out, gas) = evm.call(at, &encode_calldata(&f.proof, &f.instances));
        assert!(out.accepted(), "{width} columns, {placement:?}: {out:?}");
        let mut bad = f.proof.clone();
        bad[10] ^= 1;
        assert!(!evm.call(at, &encode_calldata(&bad, &f.instances)).0.accepted());
        let sizes: Vec<String> = c.all_deployed.iter().map(|(_, code)| code.len().to_string()).collect();
        println!(
            "| {width} | {gates} | {lookups} | {} | {} | {placement:?} | {} | {gas} |",
            generated.proof_commitments,
            generated.vk_commitments,
            sizes.join(" + ")
        );
    }
}
