"""The case contract: reading a case file safely and validating it against the contract (docs/case-format.md)."""
