"""The simulated metrics-server: resource metrics of pods and nodes from their simulated load."""
