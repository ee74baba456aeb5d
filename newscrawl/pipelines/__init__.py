"""Item pipelines, in settings order: normalize (100) -> dedupe (200) -> MongoDB (300)."""
