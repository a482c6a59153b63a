//! An estimate of the deployed size solc gives the generated contract (legacy pipeline,
//! optimizer on, Yul optimizer off), from the Yul text alone: the generator cannot run solc,
//! and [`crate::generate`] must pick a layout that fits EIP-170 before anyone compiles it.
//!
//! Each token is charged what the legacy code generator emits for it (a literal its `PUSH`, a
//! builtin its opcode, a variable read a `DUP`, a user function call its jumps, a control-flow
//! keyword its jumps and destinations), with a margin measured on the generated contracts
//! (tests/size.rs checks that every layout [`crate::generate`] picks does fit).

/// Yul builtins the generator uses (one opcode each).
const BUILTINS: &[&str] = &[
    "add",
    "sub",
    "mul",
    "div",
    "mod",
    "addmod",
    "mulmod",
    "shl",
    "shr",
    "and",
    "or",
    "xor",
    "not",
    "eq",
    "lt",
    "gt",
    "iszero",
    "mload",
    "mstore",
    "calldataload",
    "calldatasize",
    "calldatacopy",
    "keccak256",
    "staticcall",
    "returndatasize",
    "revert",
    "return",
    "gas",
    "pop",
];

/// Estimated deployed bytes of Yul code `text` (comments allowed).
pub fn yul_bytes(text: &str) -> usize {
    let mut tokens: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut start = None;
        for (i, ch) in line.char_indices() {
            let word = ch.is_ascii_alphanumeric() || ch == '_';
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    tokens.push(&line[s..i]);
                    start = None;
                }
                _ => {}
            }
            if !word && !ch.is_whitespace() {
                tokens.push(&line[i..i + ch.len_utf8()]);
            }
        }
        if let Some(s) = start {
            tokens.push(&line[s..]);
        }
    }
    let mut bytes = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).copied().unwrap_or("");
        let prev = if i > 0 { tokens[i - 1] } else { "" };
        bytes += match *t {
            "let" => 1,
            "if" => 7,
            "for" => 12,
            "switch" => 3,
            "case" => 8,
            "default" => 2,
            "function" => 6,
            ":" if next == "=" && (i < 2 || tokens[i - 2] != "let") => 2,
            _ if t.starts_with("0x") => push_len(u64_bytes_hex(&t[2..])),
            _ if t.chars().all(|c| c.is_ascii_digit()) => push_len(u64_bytes_dec(t)),
            _ if t.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') => {
                if next == "(" {
                    if prev == "function" {
                        0
                    } else if BUILTINS.contains(t) {
                        1
                    } else {
                        8
                    }
                } else if prev == "let" {
                    0
                } else {
                    1
                }
            }
            _ => 0,
        };
    }
    bytes
}

/// Bytes of a push of a value that takes `len` bytes (`PUSH0` for zero).
fn push_len(len: usize) -> usize {
    1 + len
}

fn u64_bytes_hex(digits: &str) -> usize {
    let d = digits.trim_start_matches('0');
    d.len().div_ceil(2)
}

fn u64_bytes_dec(digits: &str) -> usize {
    let v: u128 = digits.parse().unwrap_or(u128::MAX);
    (128 - v.leading_zeros() as usize).div_ceil(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_builtins_and_calls_are_charged() {
        // PUSH2 0x1a4, CALLDATALOAD, PUSH1 0x20, MSTORE.
        assert_eq!(yul_bytes("mstore(0x20, calldataload(0x1a4)) // note"), 7);
        // A user call: its jumps.
        assert_eq!(yul_bytes("f(0)"), 9);
        assert_eq!(yul_bytes("let a := 0x0"), 2);
    }
}
