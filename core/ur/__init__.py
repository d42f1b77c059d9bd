"""Blockchain Commons Uniform Resources (BCR-2020-005, -006, -012) and EIP-4527's Ethereum types.

Pure Python, no Qt: bytewords and CRC-32 (`bytewords`), a small deterministic
CBOR (`cbor`), the fountain code (`fountain`: Xoshiro256**, alias sampling, XOR
mixing and reassembly), the UR text form (`ur`), and `eth-sign-request` /
`eth-signature` (`eth`).  What Deedbook sends through them is `core.airgap`.
"""
