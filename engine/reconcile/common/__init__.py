"""Helpers that several controllers share: pod ranking (controller_utils.go) and toleration matching.

No I/O happens here.
"""
