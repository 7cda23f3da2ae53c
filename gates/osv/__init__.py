"""An offline dependency audit against a local folder of OSV advisories (docs/readers.md#gates-osv-json)."""
