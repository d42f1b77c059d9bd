// EIP-712 interoperability vectors for Deedbook, made by ethers.js (a third-party implementation).
//
//   npm install --prefix /tmp/vec ethers@6                      # anywhere outside the repository
//   .venv/bin/python -m tests.transactions.vector_world /tmp/vec/inputs.json
//   ETHERS_DIR=/tmp/vec node scripts/make_eip712_vectors.mjs /tmp/vec/inputs.json \
//       tests/transactions/vectors/ethers-vectors.json
//
// For each Deedbook signing request in the input, ethers computes the EIP-712 digest,
// signs the request's typedData with the test key, recovers the signer of the
// signature Deedbook made, and builds its own eth_signTypedData_v4 payload.  pytest
// then checks all of it against Deedbook without needing node.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(process.env.ETHERS_DIR ? join(process.env.ETHERS_DIR, "package.json") : import.meta.url);
const { Wallet, TypedDataEncoder, verifyTypedData, version } = require("ethers");

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node make_eip712_vectors.mjs INPUT.json OUTPUT.json");
  process.exit(2);
}

const { cases } = JSON.parse(readFileSync(input, "utf8"));
const vectors = [];
for (const c of cases) {
  const td = c.request.typedData;
  // ethers takes the struct types without EIP712Domain (it derives that from the domain).
  const types = Object.fromEntries(Object.entries(td.types).filter(([name]) => name !== "EIP712Domain"));
  const wallet = new Wallet(c.privateKey);
  const payload = TypedDataEncoder.getPayload(td.domain, types, td.message);
  vectors.push({
    name: c.name,
    request: c.request,
    signer: wallet.address,
    ethersDigest: TypedDataEncoder.hash(td.domain, types, td.message),
    ethersDomainSeparator: TypedDataEncoder.hashDomain(td.domain),
    ethersPrimaryType: payload.primaryType,
    ethersDomainType: payload.types.EIP712Domain,
    ethersSignature: await wallet.signTypedData(td.domain, types, td.message),
    deedbookSignature: c.pythonSignature,
    ethersRecoveredDeedbookSigner: verifyTypedData(td.domain, types, td.message, c.pythonSignature),
  });
}
writeFileSync(output, JSON.stringify({ generator: `ethers ${version}`, note: "Test keys are the public Hardhat/Anvil development accounts.", vectors }, null, 2) + "\n");
console.log(`${vectors.length} vectors written to ${output} by ethers ${version}`);
