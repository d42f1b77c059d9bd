"""Rules that protect owners: eligibility claims, transfer rules with reasons, holds, key recovery.

`schema` reads a ledger's rules file, `state` holds what the compliance entries add
up to, `judge` decides a transfer (allowed, or refused with a stable code and one
sentence), `store` keeps the state as a projection table, and `claims`, `rules`,
`holds` and `recovery` are the services the workspace calls.  The entry kinds live
in core/kinds (claims, rules_version, holds, recovery), one module per family.
"""
