"""The API machinery: what kube-apiserver does, on top of the store. This package does I/O."""
