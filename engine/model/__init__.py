"""Pure data layer: kinds, validation, defaulting, selectors, manifests. No I/O happens here."""
