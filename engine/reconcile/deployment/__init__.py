"""The deployment controller (pkg/controller/deployment): rollouts, scaling, history.

No I/O happens here.
"""
