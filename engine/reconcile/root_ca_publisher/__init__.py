"""The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher).

No I/O happens here.
"""
