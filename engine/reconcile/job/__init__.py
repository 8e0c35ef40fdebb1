"""The Job controller (pkg/controller/job): `controller` syncs Jobs, the other modules are its steps."""
