"""The TTL-after-finished controller (pkg/controller/ttlafterfinished)."""
