// Compiles a Solidity standard-JSON input (stdin) with solc-js and writes the standard-JSON
// output (stdout). Usage: node solc_driver.js <path to the solc npm package>
'use strict';
const solc = require(process.argv[2]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  process.stdout.write(solc.compile(Buffer.concat(chunks).toString('utf8')));
});
