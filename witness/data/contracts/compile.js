const solc = require(require('path').join(__dirname, '../../../.tools/node_modules/solc'));
const fs = require('fs');
const input = JSON.parse(fs.readFileSync('input.json'));
input.sources['Contracts.sol'] = {content: fs.readFileSync('Contracts.sol','utf8')};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
if (out.errors) for (const e of out.errors) console.error(e.formattedMessage);
const res = {compiler: solc.version(), evmVersion: 'cancun', optimizerRuns: 200, contracts: {}};
for (const [n, c] of Object.entries(out.contracts['Contracts.sol'])) {
  res.contracts[n] = {bytecode: '0x' + c.evm.bytecode.object, deployedBytecode: '0x' + c.evm.deployedBytecode.object};
}
fs.writeFileSync('Contracts.json', JSON.stringify(res, null, 1) + '\n');
