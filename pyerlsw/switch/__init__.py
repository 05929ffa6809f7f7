"""pyerlsw.switch (see docs/architecture.md)."""
