"""The persistent volume controllers (pkg/controller/volume): binding, protection, and kind's provisioner.

No I/O happens here.
"""
