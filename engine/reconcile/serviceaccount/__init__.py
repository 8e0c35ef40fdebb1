"""The serviceaccount controller (pkg/controller/serviceaccount): a `default` account per namespace.

No I/O happens here.
"""
