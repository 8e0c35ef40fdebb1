"""The simulated ingress-nginx controller's status sync (what its leader does for its Ingresses). No I/O happens here."""
