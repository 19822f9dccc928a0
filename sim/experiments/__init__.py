"""Experiments over many runs: the one task runner (Dask), Monte Carlo stress/compare, sweeps, analysis, statistics."""
