"""The simulated cloud load balancer (what MetalLB or cloud-provider-kind does on a local cluster). No I/O happens here."""
