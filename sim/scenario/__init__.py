"""Scenario files: YAML with line numbers, the pydantic schema, the catalogue of types, overrides and `varies:`."""
