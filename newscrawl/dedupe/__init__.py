"""Fingerprints (exact hash, SimHash, MinHash/LSH) and the near-duplicate index."""
