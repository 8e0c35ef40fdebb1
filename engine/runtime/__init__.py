"""The runtime: informer cache, work queue, the control-plane loop, clocks, leases. This package does I/O."""
