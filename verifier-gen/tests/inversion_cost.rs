//! Why the verifier inverts with one `modexp` (precompile 0x05) after Montgomery batching: one
//! inversion by the precompile against square-and-multiply in Yul, both compiled like the
//! verifier and run in revm.

mod common;
use common::*;

#[test]
fn modexp_inversion_is_cheaper_than_square_and_multiply() {
    let src = r#"// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;
contract Inv {
    function viaModexp(uint256 x) external view returns (uint256 y) {
        assembly {
            let r := 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
            mstore(0x00, 0x20) mstore(0x20, 0x20) mstore(0x40, 0x20)
            mstore(0x60, x) mstore(0x80, sub(r, 2)) mstore(0xa0, r)
            if iszero(staticcall(gas(), 0x05, 0x00, 0xc0, 0x00, 0x20)) { revert(0, 0) }
            y := mload(0x00)
        }
    }
    function viaLoop(uint256 x) external pure returns (uint256 y) {
        assembly {
            let r := 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
            let e := sub(r, 2)
            y := 1
            for { let b := x } e { e := shr(1, e) } {
                if and(e, 1) { y := mulmod(y, b, r) }
                b := mulmod(b, b, r)
            }
        }
    }
    function none(uint256 x) external pure returns (uint256 y) { y = x; }
}
"#;
    let c = compile(src, "Inv.sol", "Inv", false);
    let mut evm = Evm::new();
    let at = evm.deploy(&c.creation);
    let call = |evm: &mut Evm, sig: &str| {
        let mut data = rebuttal_verifier_gen::abi::selector(sig).to_vec();
        data.extend_from_slice(&rebuttal_verifier_gen::abi::word(123456789));
        evm.call(at, &data)
    };
    let (a, ga) = call(&mut evm, "viaModexp(uint256)");
    let (b, gb) = call(&mut evm, "viaLoop(uint256)");
    let (_, g0) = call(&mut evm, "none(uint256)");
    assert_eq!(a, b);
    assert!(matches!(a, Outcome::Returned(ref v) if v.len() == 32 && v != &[0u8; 32]));
    assert!(ga < gb, "modexp {ga} gas, square-and-multiply {gb} gas");
    println!("modexp: {} gas, square-and-multiply: {} gas (over an empty call)", ga - g0, gb - g0);
}
