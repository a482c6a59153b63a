//! Verifying keys to bytes and back.
//!
//! # Layout (version 2), big-endian throughout
//!
//! ```text
//! "RBVK"  u32 version  u32 k  u8 options (bit 0: zero-knowledge; bit 1: packing; other bits zero)
//! [u32 packing ≥ 2, present when bit 1 is set]
//! circuit shape:
//!   u32 #fixed     { str name }
//!   u32 #advice    { u8 phase, str name }
//!   u32 #instance  { str name }
//!   u32 #challenges{ u8 phase }
//!   u32 #gates     { str name, u32 #constraints { str name, expr } }
//!   u32 #tables    { str name, u32 #columns { expr } }
//!   u32 #lookups   { str name, u32 table, u32 #inputs { expr } }
//!   u32 #equality  { column }
//! G1 × #fixed      fixed-column commitments      } without packing
//! G1 × #equality   permutation (σ) commitments   }
//! G1 × #key packs  the key's packed commitments  } with packing (count from the shape)
//! G1 [1]₁   G2 [1]₂   G2 [τ]₂
//! 32 bytes         the digest (recomputed on load and compared)
//! ```
//!
//! `str` is `u32 length ‖ UTF-8`; a column is `u8 kind (0 fixed, 1 advice, 2 instance) ‖ u32
//! index`; an expression is a tagged tree: `0 constant(32-byte LE repr)`, `1 query(column, i32
//! rotation)`, `2 challenge(u32)`, `3 negated(e)`, `4 sum(e, e)`, `5 product(e, e)`,
//! `6 scaled(e, 32-byte LE repr)`. G1 points are 64 bytes `x ‖ y`, G2 points 128 bytes in EVM
//! order. Decoding never panics: every count, tag, index and point is checked.
//!
//! The argument's layout is not stored: it is derived from the circuit's shape (the logUp groups
//! by [`crate::circuit::LogUpPlan`]) and bound by the digest. Version 2 changed that derivation
//! (lookups share logUp helper columns), not these bytes; a version-1 key is refused rather than
//! read with the new layout.

use std::sync::Arc;

use ff::PrimeField;

use super::argument::Extended;
use super::keygen::{PROTOCOL_VERSION, VerifyingKey, vk_digest};
use super::shape::{put_column, put_expression, put_u32};
use crate::arith::Fr;
use crate::circuit::{
    AdviceColumn, Challenge, Column, ConfigError, ConstraintSystem, Expression, FixedColumn, InstanceColumn, Phase,
    Query, Rotation, TableId,
};
use crate::encoding::{EncodingError, g1_from_bytes, g1_to_bytes, g2_from_bytes, g2_to_bytes};

const MAGIC: &[u8; 4] = b"RBVK";
/// Deepest expression tree accepted when decoding.
const MAX_DEPTH: usize = 512;

/// Why bytes are not a verifying key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VkError {
    #[error("verifying key ends early while reading {what}")]
    Truncated { what: &'static str },
    #[error("not a rebuttal verifying key (magic bytes {found:?})")]
    BadMagic { found: Vec<u8> },
    #[error("verifying-key version {version} is not supported (this build reads {PROTOCOL_VERSION})")]
    UnsupportedVersion { version: u32 },
    #[error("verifying key declares k = {k}, beyond the supported 2^28 rows")]
    BadK { k: u32 },
    #[error("verifying key has invalid {what}: {detail}")]
    Invalid { what: &'static str, detail: String },
    #[error("verifying key's {what} is malformed: {source}")]
    BadPoint { what: String, source: EncodingError },
    #[error("verifying key's circuit shape is invalid: {0}")]
    Shape(#[from] ConfigError),
    #[error("verifying key's digest does not match its contents")]
    DigestMismatch,
    #[error("{extra} bytes follow the verifying key")]
    TrailingBytes { extra: usize },
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

impl VerifyingKey {
    /// The verifying key in the documented byte layout.
    pub fn to_bytes(&self) -> Vec<u8> {
        let cs = &self.circuit_cs;
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&PROTOCOL_VERSION.to_be_bytes());
        out.extend_from_slice(&self.k.to_be_bytes());
        let packed = self.ext.packing > 1;
        out.push(u8::from(self.ext.zero_knowledge) | (u8::from(packed) << 1));
        if packed {
            put_u32(&mut out, self.ext.packing);
        }
        put_u32(&mut out, cs.num_fixed());
        for f in cs.fixed_columns() {
            put_str(&mut out, cs.column_name(f.into()));
        }
        put_u32(&mut out, cs.num_advice());
        for a in cs.advice_columns() {
            out.push(a.phase().index() as u8);
            put_str(&mut out, cs.column_name(a.into()));
        }
        put_u32(&mut out, cs.num_instance());
        for i in cs.instance_columns() {
            put_str(&mut out, cs.column_name(i.into()));
        }
        put_u32(&mut out, cs.num_challenges());
        for c in cs.challenges() {
            out.push(c.phase().index() as u8);
        }
        put_u32(&mut out, cs.gates().len());
        for g in cs.gates() {
            put_str(&mut out, &g.name);
            put_u32(&mut out, g.constraints.len());
            for c in &g.constraints {
                put_str(&mut out, &c.name);
                put_expression(&mut out, &c.expression);
            }
        }
        put_u32(&mut out, cs.tables().len());
        for t in cs.tables() {
            put_str(&mut out, &t.name);
            put_u32(&mut out, t.columns.len());
            t.columns.iter().for_each(|e| put_expression(&mut out, e));
        }
        put_u32(&mut out, cs.lookups().len());
        for l in cs.lookups() {
            put_str(&mut out, &l.name);
            put_u32(&mut out, l.table.index());
            put_u32(&mut out, l.inputs.len());
            l.inputs.iter().for_each(|e| put_expression(&mut out, e));
        }
        let equality = cs.equality_columns();
        put_u32(&mut out, equality.len());
        equality.iter().for_each(|c| put_column(&mut out, *c));
        for p in self
            .fixed_commitments
            .iter()
            .chain(&self.sigma_commitments)
            .chain(&self.packed_commitments)
            .chain([&self.g1])
        {
            out.extend_from_slice(&g1_to_bytes(p));
        }
        out.extend_from_slice(&g2_to_bytes(&self.g2));
        out.extend_from_slice(&g2_to_bytes(&self.tau_g2));
        out.extend_from_slice(&self.digest);
        out
    }

    /// Parses untrusted bytes; checks every field, rebuilds the circuit's shape and recomputes
    /// the digest.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VkError> {
        let mut r = Bytes { bytes, at: 0 };
        let magic = r.take(4, "magic bytes")?;
        if magic != MAGIC {
            return Err(VkError::BadMagic { found: magic.to_vec() });
        }
        let version = r.u32("version")?;
        if version != PROTOCOL_VERSION {
            return Err(VkError::UnsupportedVersion { version });
        }
        let k = r.u32("k")?;
        if k > crate::arith::MAX_K {
            return Err(VkError::BadK { k });
        }
        let options = r.u8("options")?;
        if options & !0b11 != 0 {
            return Err(VkError::Invalid { what: "options", detail: format!("unknown option bits {options:#04x}") });
        }
        let zero_knowledge = options & 1 != 0;
        let packing = if options & 0b10 != 0 {
            let packing = r.u32("packing")? as usize;
            if packing < 2 {
                return Err(VkError::Invalid {
                    what: "packing",
                    detail: format!("{packing} polynomials per commitment; a packed key has at least 2"),
                });
            }
            packing
        } else {
            1
        };
        let mut cs = ConstraintSystem::new();
        let fixed = r.count("fixed column count", 5)?;
        for _ in 0..fixed {
            let name = r.str("fixed column name")?;
            cs.named_fixed(name);
        }
        let advice = r.count("advice column count", 6)?;
        for _ in 0..advice {
            let phase = r.phase("advice phase")?;
            let name = r.str("advice column name")?;
            cs.named_advice(name, phase);
        }
        let instance = r.count("instance column count", 5)?;
        for _ in 0..instance {
            let name = r.str("instance column name")?;
            cs.named_instance(name);
        }
        let challenges = r.count("challenge count", 1)?;
        for _ in 0..challenges {
            let phase = r.phase("challenge phase")?;
            cs.challenge_usable_after(phase);
        }
        let gates = r.count("gate count", 8)?;
        for _ in 0..gates {
            let name = r.str("gate name")?;
            let count = r.count("constraint count", 5)?;
            let mut constraints = Vec::with_capacity(count);
            for _ in 0..count {
                let cname = r.str("constraint name")?;
                constraints.push((cname, r.expression(&cs, 0)?));
            }
            cs.create_gate(name, constraints);
        }
        let tables = r.count("table count", 8)?;
        for _ in 0..tables {
            let name = r.str("table name")?;
            let count = r.count("table column count", 1)?;
            let columns = (0..count).map(|_| r.expression(&cs, 0)).collect::<Result<Vec<_>, _>>()?;
            cs.lookup_table(name, columns);
        }
        let lookups = r.count("lookup count", 12)?;
        for _ in 0..lookups {
            let name = r.str("lookup name")?;
            let table = r.u32("lookup table")? as usize;
            let count = r.count("lookup input count", 1)?;
            let inputs = (0..count).map(|_| r.expression(&cs, 0)).collect::<Result<Vec<_>, _>>()?;
            cs.lookup(name, inputs, TableId(table));
        }
        let equality = r.count("equality column count", 5)?;
        for _ in 0..equality {
            let column = r.column(&cs)?;
            cs.enable_equality(column);
        }
        cs.validate()?;
        // keygen refuses such a k (Layout::new): with every row reserved, `l_active` vanishes
        // everywhere and no lookup, copy constraint or argument step would be enforced.
        if cs.usable_rows(k) == 0 {
            return Err(VkError::Invalid {
                what: "k",
                detail: format!("2^{k} rows leave none usable ({} are reserved)", cs.reserved_rows()),
            });
        }
        let ext = Extended::with_zero_knowledge(&cs, zero_knowledge).with_packing(packing);
        if zero_knowledge {
            let degree = super::proof::ProofShape::new(&ext, k).degree;
            if (1usize << k) < super::zk::min_rows(degree) {
                return Err(VkError::Invalid {
                    what: "k",
                    detail: format!("2^{k} rows are too few for zero-knowledge at degree {degree}"),
                });
            }
        }
        if cs.equality_columns().len() != equality {
            return Err(VkError::Invalid { what: "equality columns", detail: "a column is listed twice".into() });
        }
        let (fixed_commitments, sigma_commitments, packed_commitments) = if packing > 1 {
            let packs = super::proof::ProofShape::new(&ext, k).key_packs.len();
            let packed =
                (0..packs).map(|i| r.g1(format!("packed key commitment {i}"))).collect::<Result<Vec<_>, _>>()?;
            (Vec::new(), Vec::new(), packed)
        } else {
            let fixed = (0..fixed).map(|i| r.g1(format!("fixed commitment {i}"))).collect::<Result<Vec<_>, _>>()?;
            let sigma =
                (0..equality).map(|i| r.g1(format!("permutation commitment {i}"))).collect::<Result<Vec<_>, _>>()?;
            (fixed, sigma, Vec::new())
        };
        let g1 = r.g1("[1]₁".into())?;
        let g2 = r.g2("[1]₂")?;
        let tau_g2 = r.g2("[τ]₂")?;
        let digest: [u8; 32] = r.take(32, "digest")?.try_into().expect("32 bytes");
        if r.at != bytes.len() {
            return Err(VkError::TrailingBytes { extra: bytes.len() - r.at });
        }
        let key_points = [fixed_commitments.as_slice(), &sigma_commitments, &packed_commitments].concat();
        if vk_digest(k, &ext, &key_points, g1, g2, tau_g2) != digest {
            return Err(VkError::DigestMismatch);
        }
        Ok(VerifyingKey {
            k,
            ext: Arc::new(ext),
            circuit_cs: Arc::new(cs),
            fixed_commitments,
            sigma_commitments,
            packed_commitments,
            g1,
            g2,
            tau_g2,
            digest,
        })
    }
}

struct Bytes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn take(&mut self, len: usize, what: &'static str) -> Result<&[u8], VkError> {
        let end = self.at.checked_add(len).filter(|&e| e <= self.bytes.len()).ok_or(VkError::Truncated { what })?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, VkError> {
        Ok(self.take(1, what)?[0])
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, VkError> {
        Ok(u32::from_be_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }

    /// A count of items each at least `min_item` bytes long: bounded by what is left.
    fn count(&mut self, what: &'static str, min_item: usize) -> Result<usize, VkError> {
        let n = self.u32(what)? as usize;
        if n.saturating_mul(min_item) > self.bytes.len() - self.at {
            return Err(VkError::Truncated { what });
        }
        Ok(n)
    }

    fn str(&mut self, what: &'static str) -> Result<String, VkError> {
        let len = self.count(what, 1)?;
        let raw = self.take(len, what)?;
        String::from_utf8(raw.to_vec()).map_err(|e| VkError::Invalid { what, detail: e.to_string() })
    }

    fn phase(&mut self, what: &'static str) -> Result<Phase, VkError> {
        let p = self.u8(what)?;
        Phase::ALL.get(p as usize).copied().ok_or(VkError::Invalid { what, detail: format!("phase {p}") })
    }

    fn fr(&mut self, what: &'static str) -> Result<Fr, VkError> {
        let mut repr = <Fr as PrimeField>::Repr::default();
        repr.as_mut().copy_from_slice(self.take(32, what)?);
        Option::from(Fr::from_repr(repr)).ok_or(VkError::Invalid { what, detail: "scalar not below r".into() })
    }

    fn column(&mut self, cs: &ConstraintSystem) -> Result<Column, VkError> {
        let kind = self.u8("column kind")?;
        let index = self.u32("column index")? as usize;
        let column = match kind {
            0 => Column::Fixed(FixedColumn { index }),
            1 => {
                let phase = cs.advice_columns().nth(index).map(|a| a.phase()).ok_or(VkError::Invalid {
                    what: "column",
                    detail: format!("advice column {index} does not exist"),
                })?;
                Column::Advice(AdviceColumn { index, phase })
            }
            2 => Column::Instance(InstanceColumn { index }),
            other => return Err(VkError::Invalid { what: "column kind", detail: other.to_string() }),
        };
        if !cs.contains_column(column) {
            return Err(VkError::Invalid { what: "column", detail: format!("{column:?} does not exist") });
        }
        Ok(column)
    }

    fn expression(&mut self, cs: &ConstraintSystem, depth: usize) -> Result<Expression, VkError> {
        if depth > MAX_DEPTH {
            return Err(VkError::Invalid { what: "expression", detail: format!("nested deeper than {MAX_DEPTH}") });
        }
        let d = depth + 1;
        Ok(match self.u8("expression tag")? {
            0 => Expression::Constant(self.fr("constant")?),
            1 => {
                let column = self.column(cs)?;
                let rotation = i32::from_be_bytes(self.take(4, "rotation")?.try_into().expect("4 bytes"));
                Expression::Query(Query { column, rotation: Rotation(rotation) })
            }
            2 => {
                let index = self.u32("challenge")? as usize;
                let phase = cs.challenges().nth(index).map(|c| c.phase()).ok_or(VkError::Invalid {
                    what: "challenge",
                    detail: format!("challenge {index} does not exist"),
                })?;
                Expression::Challenge(Challenge { index, phase })
            }
            3 => Expression::Negated(Box::new(self.expression(cs, d)?)),
            4 => Expression::Sum(Box::new(self.expression(cs, d)?), Box::new(self.expression(cs, d)?)),
            5 => Expression::Product(Box::new(self.expression(cs, d)?), Box::new(self.expression(cs, d)?)),
            6 => {
                let e = self.expression(cs, d)?;
                Expression::Scaled(Box::new(e), self.fr("scale")?)
            }
            other => return Err(VkError::Invalid { what: "expression tag", detail: other.to_string() }),
        })
    }

    fn g1(&mut self, what: String) -> Result<crate::arith::G1Affine, VkError> {
        let raw = self.take(64, "a G1 point")?;
        g1_from_bytes(raw, false).map_err(|source| VkError::BadPoint { what, source })
    }

    fn g2(&mut self, what: &'static str) -> Result<crate::arith::G2Affine, VkError> {
        let raw = self.take(128, "a G2 point")?;
        g2_from_bytes(raw, false).map_err(|source| VkError::BadPoint { what: what.into(), source })
    }
}
