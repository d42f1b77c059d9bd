"""Deedbook's domain and storage: deeds, the signed ledger, keys, proofs, documents.

Imports neither Qt nor scikit-learn (a test scans for it).
"""

__version__ = "0.1.0"
