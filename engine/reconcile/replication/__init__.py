"""The ReplicationController controller (pkg/controller/replication)."""
