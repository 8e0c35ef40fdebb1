"""Pictures of the cluster: the ownership tree, the graph, the web view's scenes, the replayed history.

No I/O happens here. Every picture is a pure function of objects (and an
index over them for owners and nodes); the CLI and the web view only
fetch the objects and write what these functions return.
"""
