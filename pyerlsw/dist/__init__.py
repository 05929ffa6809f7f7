"""pyerlsw.dist (see docs/architecture.md)."""
