"""Qt item models over the ledger: they hold ids and fetch rows lazily, sorting and filtering in SQL."""
