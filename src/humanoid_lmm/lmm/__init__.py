"""lmm stage."""
