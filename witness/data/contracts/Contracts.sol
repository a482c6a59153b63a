// SPDX-License-Identifier: MIT
// Contracts of the embedded default block. Compiled with solc-js 0.8.37 (see README.md); the
// compiled bytecode is checked in beside this file as Contracts.json.
pragma solidity ^0.8.20;

/// A minimal ERC-20.
contract Token {
    string public constant name = "Rebuttal Token";
    string public constant symbol = "RBT";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(uint256 supply) {
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "insufficient balance");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        require(allowance[from][msg.sender] >= value, "insufficient allowance");
        require(balanceOf[from] >= value, "insufficient balance");
        allowance[from][msg.sender] -= value;
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}

interface IToken {
    function balanceOf(address who) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
}

/// Calls another contract: reads a token balance, records it, and tries a transfer that the
/// token may refuse (the inner revert is caught).
contract Caller {
    uint256 public lastBalance;
    uint256 public failures;

    event Seen(address indexed who, uint256 balance);

    function poke(address token, address who, uint256 amount) external returns (uint256 b) {
        b = IToken(token).balanceOf(who);
        lastBalance = b;
        emit Seen(who, b);
        try IToken(token).transfer(who, amount) returns (bool) {
        } catch {
            failures += 1;
        }
    }
}

/// SHA3-heavy work: a hash chain over memory.
contract Hasher {
    bytes32 public last;

    function chain(bytes32 seed, uint256 rounds) external returns (bytes32 h) {
        h = seed;
        for (uint256 i = 0; i < rounds; i++) {
            h = keccak256(abi.encodePacked(h, i, msg.sender));
        }
        last = h;
    }
}
