//! Small helpers for writing Yul text: literals for field elements and points, and an
//! indented line buffer.

use rebuttal_prover::arith::{Fr, G1Affine, G2Affine};
use rebuttal_prover::encoding::{fr_to_bytes, g1_to_bytes, g2_to_bytes};

/// The scalar field modulus r as a Yul literal.
pub const R_HEX: &str = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
/// The base field modulus q as a Yul literal.
pub const Q_HEX: &str = "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

/// A big-endian 32-byte word as a minimal hexadecimal literal.
pub fn word_hex(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() { "0".into() } else { format!("0x{trimmed}") }
}

/// A scalar as a literal.
pub fn fr_hex(v: &Fr) -> String {
    word_hex(&fr_to_bytes(v))
}

/// A scalar as `u64` when it is that small.
pub fn fr_small(v: &Fr) -> Option<u64> {
    let bytes = fr_to_bytes(v);
    if bytes[..24].iter().all(|&b| b == 0) { Some(u64::from_be_bytes(bytes[24..].try_into().ok()?)) } else { None }
}

/// A G1 point's coordinates as two literals (`0, 0` for the identity).
pub fn g1_hex(p: &G1Affine) -> (String, String) {
    let b = g1_to_bytes(p);
    (word_hex(&b[..32]), word_hex(&b[32..]))
}

/// A G2 point's four words in EVM precompile order.
pub fn g2_hex(p: &G2Affine) -> [String; 4] {
    let b = g2_to_bytes(p);
    std::array::from_fn(|i| word_hex(&b[32 * i..32 * (i + 1)]))
}

/// A hexadecimal literal for a byte offset or address.
pub fn addr(a: usize) -> String {
    format!("{a:#x}")
}

/// `Fr` from a small integer (for readability in tests).
#[cfg(test)]
pub fn fr(v: u64) -> Fr {
    Fr::from(v)
}

/// Lines of code with indentation.
#[derive(Debug, Default)]
pub struct Code {
    lines: Vec<String>,
    indent: usize,
}

impl Code {
    /// An empty buffer starting at `indent` levels.
    pub fn new(indent: usize) -> Self {
        Self { lines: Vec::new(), indent }
    }

    /// Appends one line at the current indentation.
    pub fn line(&mut self, s: impl AsRef<str>) {
        let s = s.as_ref();
        if s.is_empty() {
            self.lines.push(String::new());
        } else {
            self.lines.push(format!("{}{}", "    ".repeat(self.indent), s));
        }
    }

    /// A `//` comment line.
    pub fn comment(&mut self, s: impl AsRef<str>) {
        self.line(format!("// {}", s.as_ref()));
    }

    /// Opens a block: writes `head {` and indents.
    pub fn open(&mut self, head: impl AsRef<str>) {
        let head = head.as_ref();
        self.line(if head.is_empty() { "{".to_string() } else { format!("{head} {{") });
        self.indent += 1;
    }

    /// Closes a block.
    pub fn close(&mut self) {
        self.indent = self.indent.saturating_sub(1);
        self.line("}");
    }

    /// Appends another buffer's lines (re-indented to the current level).
    pub fn append(&mut self, other: &Code) {
        for l in &other.lines {
            if l.is_empty() {
                self.lines.push(String::new());
            } else {
                self.lines.push(format!("{}{}", "    ".repeat(self.indent), l));
            }
        }
    }

    /// The text, one line per line.
    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;

    #[test]
    fn literals_are_minimal_and_exact() {
        assert_eq!(fr_hex(&Fr::ZERO), "0");
        assert_eq!(fr_hex(&fr(255)), "0xff");
        assert_eq!(fr_hex(&-Fr::ONE), "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000");
        assert_eq!(fr_small(&fr(7)), Some(7));
        assert_eq!(fr_small(&-Fr::ONE), None);
        let (x, y) = g1_hex(&<G1Affine as group::prime::PrimeCurveAffine>::identity());
        assert_eq!((x.as_str(), y.as_str()), ("0", "0"));
    }
}
