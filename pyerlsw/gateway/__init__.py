"""pyerlsw.gateway (see docs/architecture.md)."""
