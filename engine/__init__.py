"""litekube: a Kubernetes control plane in one SQLite file."""
