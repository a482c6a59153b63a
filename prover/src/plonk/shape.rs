//! A canonical byte encoding of a circuit's extended shape, hashed into the verifying key's
//! digest so that a proof for one circuit can never verify against another's key.
//!
//! # Layout (protocol version 2), big-endian `u32`s
//!
//! ```text
//! #fixed  #circuit fixed  #advice  #circuit advice  { u8 phase } per advice column
//! #instance  { str name } per fixed, advice and instance column
//! #challenges { u8 phase }   #equality { column }   reserved rows   cs degree
//! logUp: bound  proof degree  #tables { table, #running-sum lookups { lookup },
//!                                       #helpers { #lookups { lookup } } }
//! #constraints { str name, expr }
//! ```
//!
//! The logUp groups are implied by the constraints; they are written out too so that the digest
//! names the layout directly.

use ff::PrimeField;

use super::argument::Extended;
use crate::circuit::{Column, Expression};

pub(super) fn put_u32(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u32).to_be_bytes());
}

pub(super) fn put_column(out: &mut Vec<u8>, c: Column) {
    out.push(match c {
        Column::Fixed(_) => 0,
        Column::Advice(_) => 1,
        Column::Instance(_) => 2,
    });
    put_u32(out, c.index());
}

pub(super) fn put_expression(out: &mut Vec<u8>, e: &Expression) {
    match e {
        Expression::Constant(c) => {
            out.push(0);
            out.extend_from_slice(c.to_repr().as_ref());
        }
        Expression::Query(q) => {
            out.push(1);
            put_column(out, q.column);
            out.extend_from_slice(&q.rotation.0.to_be_bytes());
        }
        Expression::Challenge(c) => {
            out.push(2);
            put_u32(out, c.index());
        }
        Expression::Negated(a) => {
            out.push(3);
            put_expression(out, a);
        }
        Expression::Sum(a, b) => {
            out.push(4);
            put_expression(out, a);
            put_expression(out, b);
        }
        Expression::Product(a, b) => {
            out.push(5);
            put_expression(out, a);
            put_expression(out, b);
        }
        Expression::Scaled(a, c) => {
            out.push(6);
            put_expression(out, a);
            out.extend_from_slice(c.to_repr().as_ref());
        }
    }
}

/// Column counts and phases, challenges, equality columns, reserved rows, the logUp plan, every
/// constraint, the tables and lookups as declared, the zero-knowledge flag and the packing.
pub fn encode_shape(ext: &Extended) -> Vec<u8> {
    let cs = &ext.cs;
    let mut out = Vec::new();
    put_u32(&mut out, cs.num_fixed());
    put_u32(&mut out, ext.circuit_fixed);
    put_u32(&mut out, cs.num_advice());
    put_u32(&mut out, ext.circuit_advice);
    for a in cs.advice_columns() {
        out.push(a.phase().index() as u8);
    }
    put_u32(&mut out, cs.num_instance());
    // Column names do not affect verification, but hashing them makes every byte of a
    // serialised verifying key matter.
    let columns = cs.fixed_columns().map(Column::from).chain(cs.advice_columns().map(Column::from));
    for c in columns.chain(cs.instance_columns().map(Column::from)) {
        let name = cs.column_name(c);
        put_u32(&mut out, name.len());
        out.extend_from_slice(name.as_bytes());
    }
    put_u32(&mut out, cs.num_challenges());
    for c in cs.challenges() {
        out.push(c.phase().index() as u8);
    }
    put_u32(&mut out, ext.equality.len());
    for &c in &ext.equality {
        put_column(&mut out, c);
    }
    put_u32(&mut out, cs.reserved_rows());
    put_u32(&mut out, cs.degree());
    let logup = &ext.logup;
    put_u32(&mut out, logup.bound);
    put_u32(&mut out, logup.degree);
    put_u32(&mut out, logup.tables.len());
    for groups in &logup.tables {
        put_u32(&mut out, groups.table);
        put_u32(&mut out, groups.in_running_sum.len());
        groups.in_running_sum.iter().for_each(|&l| put_u32(&mut out, l));
        put_u32(&mut out, groups.helpers.len());
        for lookups in &groups.helpers {
            put_u32(&mut out, lookups.len());
            lookups.iter().for_each(|&l| put_u32(&mut out, l));
        }
    }
    put_u32(&mut out, ext.constraints.len());
    for (name, e) in &ext.constraints {
        put_u32(&mut out, name.len());
        out.extend_from_slice(name.as_bytes());
        put_expression(&mut out, e);
    }
    // The tables and lookups as declared: the constraints above already carry what the verifier
    // checks, but names of unread tables and of lookups summed in a running-sum step appear in
    // no constraint, and every byte of a serialised key must be covered by its digest.
    put_u32(&mut out, cs.tables().len());
    for table in cs.tables() {
        put_u32(&mut out, table.name.len());
        out.extend_from_slice(table.name.as_bytes());
        put_u32(&mut out, table.columns.len());
        table.columns.iter().for_each(|e| put_expression(&mut out, e));
    }
    put_u32(&mut out, cs.lookups().len());
    for lookup in cs.lookups() {
        put_u32(&mut out, lookup.name.len());
        out.extend_from_slice(lookup.name.as_bytes());
        put_u32(&mut out, lookup.table.index());
        put_u32(&mut out, lookup.inputs.len());
        lookup.inputs.iter().for_each(|e| put_expression(&mut out, e));
    }
    // Appended only when set, so keys without zero-knowledge keep the digest they had before
    // the flag existed (the encoding above is self-delimiting).
    if ext.zero_knowledge {
        out.extend_from_slice(b"zero-knowledge");
    }
    // Likewise only when set: keys without packing keep their digests.
    if ext.packing > 1 {
        out.extend_from_slice(b"packing");
        put_u32(&mut out, ext.packing);
    }
    out
}
