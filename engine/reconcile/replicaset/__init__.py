"""The replicaset controller (pkg/controller/replicaset).

No I/O happens here.
"""
