"""The StatefulSet controller (pkg/controller/statefulset): ordered pods, stable identities, claims, revisions.

No I/O happens here.
"""
