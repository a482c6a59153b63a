//! Columns, gates and lookups of the keccak circuit.
//!
//! # Layout
//!
//! One *region* of [`REGION_ROWS`] = 25 rows per keccak-f, one row per step, every column holding
//! the same quantity on every row of its kind:
//!
//! | row | step | what the row holds |
//! |---|---|---|
//! | 0 | absorb | the block's standard chunks (in `theta_in`), the absorbed state (in `chi`, `iota`) |
//! | 1 + r | round r | column sums `c_out`, θ pieces `theta_in` / `theta_out`, χ (`chi`), χ ⊕ ι of lane 0 (`iota`) |
//! | 0..=16 | | the block's 136 bytes, 8 per row: `byte`, `sparse`, `is_data`, `acc` (RLC) |
//! | 17..=20 | | the 32 output bytes (`byte`, `sparse`) |
//! | 24 | last | the keccak table row: `is_final`, `rlc`, `len`, `hi`, `lo` |
//!
//! The state entering row `i` is the previous row's `chi` / `iota` (lane 0 is `iota`). Flags
//! `is_first` / `is_final` are constant over a region. Regions repeat from row 0 until the usable
//! rows run out; unused regions hash the empty string, so every region is a real permutation.
//!
//! # Keccak table
//!
//! `(enabled, input_rlc, length, hi, lo)` with `enabled = q_last · is_final`: one row per hashed
//! input, on the last row of its last permutation. `input_rlc = Σ bytes[i] · r^(len−1−i)` over the
//! data bytes (no padding) under the challenge `r` drawn after phase 1 (0 for the empty input);
//! `hi` / `lo` are the big-endian 128-bit halves of the 256-bit digest — the form in which an EVM
//! circuit holds a 256-bit word, independent of any challenge, so it compares with a stack word
//! without a byte decomposition. Every other row of the table is `(0, 0, 0, 0, 0)` (non-last rows
//! of a region constrain `rlc`, `len`, `hi`, `lo` to zero) or has `enabled = 0`, so a lookup with
//! `enabled = 1` can only match a final permutation's row, whose entries are all constrained.

use ff::{Field, PrimeField};
use rebuttal_prover::arith::Fr;
use rebuttal_prover::circuit::{AdviceColumn, Challenge, ConstraintSystem, Expression, FixedColumn, Phase, TableId};

use super::circuit::{MAX_CHUNK_BITS, MIN_CHUNK_BITS};
use super::layout::{Layout, pow8};
use super::reference::{RATE_LANES, pi_destination};
use super::table::{BYTE, PARITY};

/// Rows per keccak-f.
pub const REGION_ROWS: usize = 25;
/// Byte columns: one lane's 8 bytes per row.
pub const BYTE_COLUMNS: usize = 8;
/// Rows holding the block's bytes (`0..DATA_ROWS`).
pub const DATA_ROWS: usize = RATE_LANES;
/// First of the four rows holding the 32 output bytes.
pub const OUTPUT_ROW: usize = DATA_ROWS;
/// First row whose byte cells are unused (zero).
pub const SPARE_ROW: usize = OUTPUT_ROW + 4;
/// The region's last row: round 23 and the keccak table row.
pub const LAST_ROW: usize = REGION_ROWS - 1;

/// Fixed selectors, each 1 on the rows named and 0 elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct Selectors {
    /// Row 0 of every region.
    pub absorb: FixedColumn,
    /// Row 0 of region 0.
    pub first_absorb: FixedColumn,
    /// Row 0 of every region but the first.
    pub later_absorb: FixedColumn,
    /// Rows 1..=24 (the rounds).
    pub round: FixedColumn,
    /// Row 24.
    pub last: FixedColumn,
    /// Rows 0..=23.
    pub not_last: FixedColumn,
    /// Rows 0..=16 (block bytes).
    pub data: FixedColumn,
    /// Rows 1..=16.
    pub later_data: FixedColumn,
    /// Row 16.
    pub last_data: FixedColumn,
    /// Rows 17..=24.
    pub no_data: FixedColumn,
    /// Rows 21..=24.
    pub spare: FixedColumn,
}

/// Columns, challenge and tables of the keccak circuit.
#[derive(Debug, Clone)]
pub struct KeccakConfig {
    pub(crate) layout: Layout,
    pub(crate) q: Selectors,
    /// Tag of the χ lookups: [`CHI`](super::table::CHI) on round rows, [`PARITY`] on absorb rows.
    pub(crate) chi_tag: FixedColumn,
    /// Per standard chunk: the shifted sparse round constant on round rows.
    pub(crate) rc: Vec<FixedColumn>,
    pub(crate) table_columns: [FixedColumn; 3],
    pub(crate) chi: Vec<Vec<AdviceColumn>>,
    pub(crate) iota: Vec<AdviceColumn>,
    pub(crate) c_out: Vec<Vec<AdviceColumn>>,
    pub(crate) c_top: Vec<AdviceColumn>,
    pub(crate) theta_in: Vec<Vec<AdviceColumn>>,
    pub(crate) theta_out: Vec<Vec<AdviceColumn>>,
    pub(crate) byte: Vec<AdviceColumn>,
    pub(crate) sparse: Vec<AdviceColumn>,
    pub(crate) is_data: Vec<AdviceColumn>,
    pub(crate) acc: Vec<AdviceColumn>,
    pub(crate) is_first: AdviceColumn,
    pub(crate) is_final: AdviceColumn,
    pub(crate) len: AdviceColumn,
    pub(crate) hi: AdviceColumn,
    pub(crate) lo: AdviceColumn,
    pub(crate) rlc: AdviceColumn,
    pub(crate) challenge: Challenge,
    keccak_table: TableId,
}

fn c(v: u64) -> Expression {
    Expression::constant(v)
}

impl KeccakConfig {
    /// Declares the circuit in `cs`. `challenge` must be drawn after [`Phase::First`]: it is the
    /// base of the input commitment, and a circuit looking up the keccak table must build its
    /// own input commitments under the same challenge.
    ///
    /// Panics if `chunk_bits` is outside [`MIN_CHUNK_BITS`]`..=`[`MAX_CHUNK_BITS`] (a choice of the
    /// calling circuit's code, not an input; [`keccak_constraint_system`](super::keccak_constraint_system)
    /// checks it and returns an error).
    pub fn configure(cs: &mut ConstraintSystem, chunk_bits: usize, challenge: Challenge) -> Self {
        assert!((MIN_CHUNK_BITS..=MAX_CHUNK_BITS).contains(&chunk_bits), "chunk size {chunk_bits} is not supported");
        let layout = Layout::new(chunk_bits);
        let chunks = layout.chunks().to_vec();
        let nstd = chunks.len();
        let fixed = |cs: &mut ConstraintSystem, name: &str| cs.named_fixed(name);
        let q = Selectors {
            absorb: fixed(cs, "q_absorb"),
            first_absorb: fixed(cs, "q_first_absorb"),
            later_absorb: fixed(cs, "q_later_absorb"),
            round: fixed(cs, "q_round"),
            last: fixed(cs, "q_last"),
            not_last: fixed(cs, "q_not_last"),
            data: fixed(cs, "q_data"),
            later_data: fixed(cs, "q_later_data"),
            last_data: fixed(cs, "q_last_data"),
            no_data: fixed(cs, "q_no_data"),
            spare: fixed(cs, "q_spare"),
        };
        let chi_tag = cs.named_fixed("chi_tag");
        let rc = (0..nstd).map(|k| cs.named_fixed(format!("rc[{k}]"))).collect();
        let table_columns = [cs.named_fixed("table_tag"), cs.named_fixed("table_in"), cs.named_fixed("table_out")];

        let p1 = Phase::First;
        let lanes = |cs: &mut ConstraintSystem, name: &str, n: usize, per: &dyn Fn(usize) -> usize| {
            (0..n)
                .map(|l| (0..per(l)).map(|k| cs.named_advice(format!("{name}[{l}][{k}]"), p1)).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        };
        let chi = lanes(cs, "chi", 25, &|_| nstd);
        let iota = (0..nstd).map(|k| cs.named_advice(format!("iota[{k}]"), p1)).collect();
        let c_out = lanes(cs, "c_out", 5, &|_| nstd);
        let c_top = (0..5).map(|x| cs.named_advice(format!("c_top[{x}]"), p1)).collect();
        let theta_in = lanes(cs, "theta_in", 25, &|l| layout.pieces(l).len());
        let theta_out = lanes(cs, "theta_out", 25, &|l| layout.pieces(l).len());
        let bytes = |cs: &mut ConstraintSystem, name: &str, phase| {
            (0..BYTE_COLUMNS).map(|j| cs.named_advice(format!("{name}[{j}]"), phase)).collect::<Vec<_>>()
        };
        let byte = bytes(cs, "byte", p1);
        let sparse = bytes(cs, "sparse", p1);
        let is_data = bytes(cs, "is_data", p1);
        let is_first = cs.named_advice("is_first", p1);
        let is_final = cs.named_advice("is_final", p1);
        let len = cs.named_advice("len", p1);
        let hi = cs.named_advice("hi", p1);
        let lo = cs.named_advice("lo", p1);
        let acc = bytes(cs, "acc", Phase::Second);
        let rlc = cs.named_advice("rlc", Phase::Second);

        let table = cs.lookup_table("keccak normalisation", table_columns.iter().map(|col| col.cur()).collect());
        let keccak_table =
            cs.lookup_table("keccak", vec![q.last.cur() * is_final.cur(), rlc.cur(), len.cur(), hi.cur(), lo.cur()]);
        let config = Self {
            layout,
            q,
            chi_tag,
            rc,
            table_columns,
            chi,
            iota,
            c_out,
            c_top,
            theta_in,
            theta_out,
            byte,
            sparse,
            is_data,
            acc,
            is_first,
            is_final,
            len,
            hi,
            lo,
            rlc,
            challenge,
            keccak_table,
        };
        config.permutation_gates(cs, table);
        config.byte_gates(cs, table);
        config.table_gates(cs);
        config
    }

    /// The keccak table, `(enabled, input_rlc, length, hi, lo)`: look up
    /// `(1, rlc of the input under `challenge()`, length, hi, lo)` to claim a digest.
    pub fn keccak_table(&self) -> TableId {
        self.keccak_table
    }

    /// The challenge the input commitments are built under.
    pub fn challenge(&self) -> Challenge {
        self.challenge
    }

    /// Digits per chunk.
    pub fn chunk_bits(&self) -> usize {
        self.layout.chunk_bits()
    }

    /// The column holding standard chunk `k` of state lane `lane` (lane 0 after ι is `iota`).
    pub(crate) fn state(&self, lane: usize, k: usize) -> AdviceColumn {
        if lane == 0 { self.iota[k] } else { self.chi[lane][k] }
    }

    /// `8^start / shift`: turns a shifted standard chunk into its place in the lane.
    fn chunk_weight(&self, k: usize) -> Fr {
        let chunk = self.layout.chunks()[k];
        pow8(chunk.start) * inv_shift(&self.layout, chunk.len)
    }

    /// Lane `lane` of the state, read at `rotation`.
    fn state_lane(&self, lane: usize, rotation: i32) -> Expression {
        (0..self.layout.chunks().len())
            .map(|k| self.state(lane, k).rot(rotation) * self.chunk_weight(k))
            .fold(Expression::zero(), |a, b| a + b)
    }

    /// θ's normalised column sum `x` on the current row, as a lane.
    fn column_sum(&self, x: usize) -> Expression {
        (0..self.layout.chunks().len())
            .map(|k| self.c_out[x][k].cur() * self.chunk_weight(k))
            .fold(Expression::zero(), |a, b| a + b)
    }

    /// Unshifted standard chunk `k` of χ's input lane `dest` (after ρ and π), from θ's pieces.
    fn b_chunk(&self, dest: usize, k: usize) -> Expression {
        let source = (0..25).find(|&l| pi_destination(l) == dest).expect("π is a permutation");
        self.layout
            .pieces(source)
            .iter()
            .enumerate()
            .filter(|(_, piece)| piece.chunk == k)
            .map(|(p, piece)| {
                self.theta_out[source][p].cur() * (pow8(piece.offset) * inv_shift(&self.layout, piece.len))
            })
            .fold(Expression::zero(), |a, b| a + b)
    }

    /// A lane of 8 sparse bytes on the row at `rotation`.
    fn sparse_lane(&self, rotation: i32) -> Expression {
        (0..BYTE_COLUMNS).map(|j| self.sparse[j].rot(rotation) * pow8(8 * j)).fold(Expression::zero(), |a, b| a + b)
    }

    fn permutation_gates(&self, cs: &mut ConstraintSystem, table: TableId) {
        let layout = &self.layout;
        let chunks = layout.chunks().to_vec();
        let nstd = chunks.len();
        let q = self.q;
        let parity = || c(PARITY);

        // θ: column sums of the previous row's state, normalised chunk by chunk.
        for x in 0..5 {
            for k in 0..nstd {
                let sum = (0..5).map(|y| self.state(x + 5 * y, k).prev()).fold(Expression::zero(), |a, b| a + b);
                cs.lookup(
                    format!("θ column sum [{x}][{k}]"),
                    vec![parity(), q.round.cur() * sum, self.c_out[x][k].cur()],
                    table,
                );
            }
            // The top bit, which rot1 moves to bit 0: c_top is the last chunk's top digit exactly
            // when the rest of the chunk is a normalised value below 8^(len − 1).
            let last = chunks[nstd - 1];
            let rest = (self.c_out[x][nstd - 1].cur() * inv_shift(layout, last.len)
                - self.c_top[x].cur() * pow8(last.len - 1))
                * pow8(layout.chunk_bits() - last.len + 1);
            cs.lookup(format!("θ column top bit [{x}]"), vec![parity(), rest.clone(), rest], table);
        }
        // The lookup above already pins c_top (any other value moves `rest` far out of the
        // table's range); the explicit bit constraint makes that independent of the table.
        let top_bits: Vec<(String, Expression)> = (0..5)
            .map(|x| {
                let b = self.c_top[x].cur();
                (format!("c_top[{x}] is a bit"), q.round.cur() * b.clone() * (Expression::one() - b))
            })
            .collect();
        cs.create_gate("θ column top bit", top_bits);

        // θ output: state ⊕ C[x−1] ⊕ rot1(C[x+1]) as an unnormalised sum, cut into ρ/π pieces.
        let wrap = pow8(64) - Fr::ONE;
        let theta: Vec<(String, Expression)> = (0..25)
            .map(|lane| {
                let x = lane % 5;
                let pieces = self
                    .layout
                    .pieces(lane)
                    .iter()
                    .enumerate()
                    .map(|(p, piece)| self.theta_in[lane][p].cur() * pow8(piece.start))
                    .fold(Expression::zero(), |a, b| a + b);
                let rot1 = self.column_sum((x + 1) % 5) * Fr::from(8u64) - self.c_top[(x + 1) % 5].cur() * wrap;
                let sum = self.state_lane(lane, -1) + self.column_sum((x + 4) % 5) + rot1;
                (format!("lane {lane} = pieces"), q.round.cur() * (pieces - sum))
            })
            .collect();
        cs.create_gate("θ", theta);
        // Each piece is looked up with its shift on round rows; on absorb rows the first pieces
        // hold the block's standard chunks and take the chunks' shifts. Elsewhere the input is 0.
        for lane in 0..25 {
            for (p, piece) in self.layout.pieces(lane).iter().enumerate() {
                let absorb_len = chunks.get(p).map_or(piece.len, |ch| ch.len);
                let shift = q.round.cur() * Fr::from(layout.shift(piece.len))
                    + q.absorb.cur() * Fr::from(layout.shift(absorb_len));
                cs.lookup(
                    format!("θ normalise [{lane}][{p}]"),
                    vec![parity(), self.theta_in[lane][p].cur() * shift, self.theta_out[lane][p].cur()],
                    table,
                );
                // A value shorter than a chunk, looked up times 8^(c−len), could be a fraction
                // T·8^−(c−len) whose hidden low digits carry into the neighbouring piece (a
                // review found forgeries through the θ and absorb sums). Looking it up once more
                // unshifted makes it an integer, hence below 8^len: the pieces of a sum then cover
                // disjoint digits and the decomposition is unique.
                if piece.len < layout.chunk_bits() || absorb_len < layout.chunk_bits() {
                    let active = q.round.cur() + q.absorb.cur();
                    let unshift =
                        q.round.cur() * inv_shift(layout, piece.len) + q.absorb.cur() * inv_shift(layout, absorb_len);
                    cs.lookup(
                        format!("θ piece is an integer [{lane}][{p}]"),
                        vec![parity(), self.theta_in[lane][p].cur() * active, self.theta_out[lane][p].cur() * unshift],
                        table,
                    );
                }
            }
        }

        // χ on round rows; on absorb rows the same lookup (tagged parity) normalises the absorbed
        // state: the previous permutation's output (unless this is a first block) plus the block.
        for lane in 0..25 {
            let (x, y) = (lane % 5, lane / 5);
            for (k, chunk) in chunks.iter().enumerate() {
                let shift = Fr::from(layout.shift(chunk.len));
                let ones = (0..chunk.len).map(|i| 8u64.pow(i as u32)).sum::<u64>();
                let chi_input = c(3 * ones) - self.b_chunk(lane, k) * Fr::from(2u64)
                    + self.b_chunk((x + 1) % 5 + 5 * y, k)
                    - self.b_chunk((x + 2) % 5 + 5 * y, k);
                let mut absorbed = (Expression::one() - self.is_first.cur()) * self.state(lane, k).prev();
                if lane < RATE_LANES {
                    absorbed = absorbed + self.theta_in[lane][k].cur() * shift;
                }
                let input = q.round.cur() * chi_input * shift + q.absorb.cur() * absorbed;
                cs.lookup(format!("χ [{lane}][{k}]"), vec![self.chi_tag.cur(), input, self.chi[lane][k].cur()], table);
            }
        }
        // ι on lane 0 (the constant is zero on absorb rows).
        for k in 0..nstd {
            cs.lookup(
                format!("ι [{k}]"),
                vec![parity(), self.chi[0][k].cur() + self.rc[k].cur(), self.iota[k].cur()],
                table,
            );
        }

        // Absorb: the block's standard chunks (range-checked by the θ lookups with the standard
        // shift) are its bytes; every spare piece, and every piece of a capacity lane, is zero —
        // each one on its own. (A sum of them is not enough: a piece shorter than a chunk is
        // looked up times 8^(c−len), so it may hold a fraction whose multiple by 8^64 lands on
        // the lane's top digits and would hide block bits from the permutation.)
        let mut absorb: Vec<(String, Expression)> = (0..RATE_LANES)
            .map(|lane| {
                let chunks_sum = chunks
                    .iter()
                    .enumerate()
                    .map(|(k, chunk)| self.theta_in[lane][k].cur() * pow8(chunk.start))
                    .fold(Expression::zero(), |a, b| a + b);
                let bytes = self.sparse_lane(lane as i32);
                (format!("lane {lane} = block bytes"), q.absorb.cur() * (chunks_sum - bytes))
            })
            .collect();
        for lane in 0..25 {
            let first_zero = if lane < RATE_LANES { nstd } else { 0 };
            for p in first_zero..self.theta_in[lane].len() {
                absorb.push((
                    format!("piece [{lane}][{p}] holds no block"),
                    q.absorb.cur() * self.theta_in[lane][p].cur(),
                ));
            }
        }
        cs.create_gate("absorb", absorb);

        // Squeeze: the first four lanes after the last round are the output bytes.
        let mut squeeze: Vec<(String, Expression)> = (0..4)
            .map(|lane| {
                let bytes = self.sparse_lane((OUTPUT_ROW + lane) as i32 - LAST_ROW as i32);
                (format!("lane {lane} = output bytes"), q.last.cur() * (self.state_lane(lane, 0) - bytes))
            })
            .collect();
        for (name, half, first_row) in [("hi", self.hi, OUTPUT_ROW), ("lo", self.lo, OUTPUT_ROW + 2)] {
            let word = (0..16)
                .map(|i| {
                    let row = (first_row + i / 8) as i32 - LAST_ROW as i32;
                    self.byte[i % 8].rot(row) * Fr::from_u128(1u128 << (8 * (15 - i)))
                })
                .fold(Expression::zero(), |a, b| a + b);
            squeeze.push((format!("{name} = big-endian output bytes"), q.last.cur() * (half.cur() - word)));
        }
        cs.create_gate("squeeze", squeeze);
    }

    fn byte_gates(&self, cs: &mut ConstraintSystem, table: TableId) {
        let q = self.q;
        let one = Expression::one;
        let r = self.challenge.expr();
        for j in 0..BYTE_COLUMNS {
            cs.lookup(format!("byte [{j}]"), vec![c(BYTE), self.byte[j].cur(), self.sparse[j].cur()], table);
        }
        let d = |j: usize| self.is_data[j].cur();
        let last = BYTE_COLUMNS - 1;
        let mut gates: Vec<(String, Expression)> = Vec::new();
        for j in 0..BYTE_COLUMNS {
            gates.push((format!("is_data[{j}] is boolean"), q.data.cur() * d(j).is_boolean()));
            gates.push((
                format!("a block before the last is all data [{j}]"),
                q.data.cur() * (one() - self.is_final.cur()) * (one() - d(j)),
            ));
            // The slot before this one was data: its column to the left, the last column of the
            // row above, or — for the first slot of a block — always (earlier blocks are all data).
            let prev_data =
                if j > 0 { d(j - 1) } else { q.absorb.cur() + q.later_data.cur() * self.is_data[last].prev() };
            if j > 0 {
                gates.push((format!("data before padding [{j}]"), q.data.cur() * d(j) * (one() - d(j - 1))));
            } else {
                gates.push((
                    "data before padding [0]".to_string(),
                    q.later_data.cur() * d(0) * (one() - self.is_data[last].prev()),
                ));
            }
            // pad10*1: 0x01 on the first padding byte, 0x80 on the block's last, 0 between.
            let mut pad = prev_data - d(j);
            if j == last {
                pad = pad + q.last_data.cur() * c(0x80);
            }
            gates.push((format!("padding [{j}]"), q.data.cur() * (one() - d(j)) * (self.byte[j].cur() - pad)));
        }
        gates.push(("the last block ends in padding".into(), q.last_data.cur() * self.is_final.cur() * d(last)));
        cs.create_gate("bytes", gates);

        // The RLC of the data bytes, slot by slot, carried over from the previous block of the
        // same input (the previous row's `rlc`, the last row of the previous region).
        let step = |acc: Expression, prev: Expression, j: usize| {
            acc - prev.clone() - d(j) * (prev * (r.clone() - one()) + self.byte[j].cur())
        };
        let mut rlc_gates: Vec<(String, Expression)> = (1..BYTE_COLUMNS)
            .map(|j| (format!("acc[{j}]"), q.data.cur() * step(self.acc[j].cur(), self.acc[j - 1].cur(), j)))
            .collect();
        rlc_gates.push((
            "acc[0] on later rows".into(),
            q.later_data.cur() * step(self.acc[0].cur(), self.acc[last].prev(), 0),
        ));
        rlc_gates.push((
            "acc[0] on the absorb row".into(),
            q.absorb.cur() * step(self.acc[0].cur(), (one() - self.is_first.cur()) * self.rlc.prev(), 0),
        ));
        cs.create_gate("input rlc", rlc_gates);

        let mut unused: Vec<(String, Expression)> = Vec::new();
        for j in 0..BYTE_COLUMNS {
            unused.push((format!("is_data[{j}]"), q.no_data.cur() * d(j)));
            unused.push((format!("acc[{j}]"), q.no_data.cur() * self.acc[j].cur()));
            unused.push((format!("byte[{j}]"), q.spare.cur() * self.byte[j].cur()));
        }
        cs.create_gate("unused byte cells are zero", unused);
    }

    fn table_gates(&self, cs: &mut ConstraintSystem) {
        let q = self.q;
        let one = Expression::one;
        let region = REGION_ROWS as i32;
        let data_count = (0..DATA_ROWS)
            .flat_map(|row| (0..BYTE_COLUMNS).map(move |j| (row, j)))
            .map(|(row, j)| self.is_data[j].rot(row as i32 - LAST_ROW as i32))
            .fold(Expression::zero(), |a, b| a + b);
        let carried_len = (one() - self.is_first.cur()) * self.len.rot(-region);
        let last_acc = self.acc[BYTE_COLUMNS - 1].rot(DATA_ROWS as i32 - 1 - LAST_ROW as i32);
        let mut gates = vec![
            ("len = carried + data bytes".to_string(), q.last.cur() * (self.len.cur() - carried_len - data_count)),
            ("rlc = last acc".to_string(), q.last.cur() * (self.rlc.cur() - last_acc)),
        ];
        for (name, col) in [("len", self.len), ("rlc", self.rlc), ("hi", self.hi), ("lo", self.lo)] {
            gates.push((format!("{name} is zero before the last row"), q.not_last.cur() * col.cur()));
        }
        gates.push(("is_first constant".into(), q.not_last.cur() * (self.is_first.next() - self.is_first.cur())));
        gates.push(("is_final constant".into(), q.not_last.cur() * (self.is_final.next() - self.is_final.cur())));
        gates.push(("is_final boolean".into(), q.absorb.cur() * self.is_final.cur().is_boolean()));
        gates.push(("region 0 starts an input".into(), q.first_absorb.cur() * (one() - self.is_first.cur())));
        gates.push((
            "an input starts after a final block".into(),
            q.later_absorb.cur() * (self.is_first.cur() - self.is_final.prev()),
        ));
        cs.create_gate("keccak table", gates);
    }
}

/// `1 / 8^(c − len)`.
pub(crate) fn inv_shift(layout: &Layout, len: usize) -> Fr {
    Fr::from(layout.shift(len)).invert().expect("a power of 8 is invertible")
}
