"""Dependable storage: the MongoDB client configuration and the durable local spool."""
