"""pyerlsw.node (see docs/architecture.md)."""
