"""The garbage collector (pkg/controller/garbagecollector): owner references and cascading deletion.

No I/O happens here.
"""
