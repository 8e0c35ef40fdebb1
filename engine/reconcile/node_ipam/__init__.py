"""The node IPAM controller (pkg/controller/nodeipam): pod CIDRs for nodes.

No I/O happens here.
"""
