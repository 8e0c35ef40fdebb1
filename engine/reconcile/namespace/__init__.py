"""The namespace controller (pkg/controller/namespace): deleting a namespace deletes what is in it.

No I/O happens here.
"""
