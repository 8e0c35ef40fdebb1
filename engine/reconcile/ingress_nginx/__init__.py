"""The simulated ingress-nginx controller's status sync (what its elected leader does). No I/O happens here."""
