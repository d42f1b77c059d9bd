"""Transaction screening from the ledger's own history (no model): see docs/screening.md."""
