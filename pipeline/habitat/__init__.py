"""Housing-aid monitoring (aides à l'habitat 2023-2028): the second system, on the same foundation.

Stages, one module each: rules (data/ref/habitat → Rules), clean (a raw row → a typed line or a
quarantine reason), ingest (exports → DuckDB with snapshots), droits (entitlement, pure), enveloppes and
previsions (the spec's tables), model/site/pdf (pages), synth (calibrated demo), cli (`bilan habitat`).
"""
