// BC-UR / EIP-4527 interoperability vectors for Deedbook, made by independent implementations:
// @ngraveio/bc-ur (UR encoding, fountain code) and @keystonehq/bc-ur-registry-eth (eth-sign-request,
// eth-signature), as MetaMask's QR keyring uses them.
//
//   npm install --prefix /tmp/urtools @ngraveio/bc-ur@1.1.13 @keystonehq/bc-ur-registry-eth@0.22.1
//   .venv/bin/python -m tests.core.ur_vectors /tmp/urtools/inputs.json
//   UR_TOOLS_DIR=/tmp/urtools node scripts/make_ur_vectors.mjs /tmp/urtools/inputs.json tests/data/ur/ur-vectors.json
//
// For each payload their encoder writes parts (the fragments and fountain mixes past them); for each
// list of Deedbook's parts their decoder reassembles the message; keystone's registry builds
// eth-sign-request and eth-signature CBOR and parses Deedbook's.  pytest checks it all without node.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(process.env.UR_TOOLS_DIR ? join(process.env.UR_TOOLS_DIR, "package.json") : import.meta.url);
const { UR, UREncoder, URDecoder } = require("@ngraveio/bc-ur");
const { EthSignRequest, ETHSignature, DataType } = require("@keystonehq/bc-ur-registry-eth");
const { CryptoKeypath } = require("@keystonehq/bc-ur-registry");
const versions = ["@ngraveio/bc-ur", "@keystonehq/bc-ur-registry-eth"].map(
  (name) => `${name} ${require(`${name}/package.json`).version}`);

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node make_ur_vectors.mjs INPUT.json OUTPUT.json");
  process.exit(2);
}
const inputs = JSON.parse(readFileSync(input, "utf8"));
const hex = (buf) => Buffer.from(buf).toString("hex");

// Their parts of each payload: every fragment, then fountain mixes, 3 x seqLen + 4 in all.
const theirParts = inputs.payloads.map((p) => {
  const ur = new UR(Buffer.from(p.cborHex, "hex"), p.type);
  const encoder = new UREncoder(ur, p.maxFragment);
  const count = encoder.fragmentsLength === 1 ? 1 : 3 * encoder.fragmentsLength + 4;
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(encoder.nextPart());
  return { name: p.name, type: p.type, cborHex: p.cborHex, maxFragment: p.maxFragment,
           seqLen: encoder.fragmentsLength, single: UREncoder.encodeSinglePart(ur), parts };
});

// Deedbook's parts, read by their decoder in the order given (shuffled, with gaps).
const ourPartsDecoded = inputs.ourParts.map((p) => {
  const decoder = new URDecoder();
  let used = 0;
  for (const part of p.parts) {
    used += 1;
    decoder.receivePart(part);
    if (decoder.isComplete()) break;
  }
  const ok = decoder.isComplete() && decoder.isSuccess();
  return { name: p.name, parts: p.parts, used, ok, type: ok ? decoder.resultUR().type : null,
           cborHex: ok ? hex(decoder.resultUR().cbor) : null, error: ok ? null : String(decoder.resultError()) };
});

// eth-sign-request and eth-signature built by keystone's registry.
const keystoneBuilt = inputs.ethBuild.map((e) => {
  const request = new EthSignRequest({
    requestId: Buffer.from(e.requestIdHex, "hex"),
    signData: Buffer.from(e.signDataHex, "hex"),
    dataType: DataType.typedData,
    chainId: e.chainId,
    derivationPath: new CryptoKeypath([]),
    address: Buffer.from(e.addressHex, "hex"),
    origin: e.origin,
  });
  const signature = new ETHSignature(Buffer.from(e.signatureHex, "hex"), Buffer.from(e.requestIdHex, "hex"), e.origin);
  const requestUr = request.toUR();
  const encoder = new UREncoder(requestUr, 200);
  const parts = [];
  for (let i = 0; i < 2 * encoder.fragmentsLength + 3; i++) parts.push(encoder.nextPart());
  return { ...e, requestCborHex: hex(request.toCBOR()), requestParts: parts,
           signatureCborHex: hex(signature.toCBOR()), signatureUr: new UREncoder(signature.toUR(), 400).nextPart() };
});

// Deedbook's eth-sign-request and eth-signature CBOR, parsed by keystone's registry.
const keystoneParsed = inputs.ethParse.map((e) => {
  const request = EthSignRequest.fromCBOR(Buffer.from(e.requestCborHex, "hex"));
  const signature = ETHSignature.fromCBOR(Buffer.from(e.signatureCborHex, "hex"));
  return { name: e.name, requestCborHex: e.requestCborHex, signatureCborHex: e.signatureCborHex,
           requestId: hex(request.getRequestId()), signDataHex: hex(request.getSignData()),
           dataType: request.getDataType(), chainId: request.getChainId(),
           address: hex(request.getSignRequestAddress()), origin: request.getOrigin(),
           path: request.getDerivationPath() ?? null,
           signatureRequestId: hex(signature.getRequestId()), signature: hex(signature.getSignature()) };
});

writeFileSync(output, JSON.stringify({ generator: versions.join(", "), note: inputs.note, theirParts,
  ourPartsDecoded, keystoneBuilt, keystoneParsed }, null, 1) + "\n");
console.log(`UR vectors written to ${output} by ${versions.join(", ")}`);
