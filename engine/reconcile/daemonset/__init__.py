"""The DaemonSet controller (pkg/controller/daemon): `controller` syncs DaemonSets, `update` rolls and keeps history, `util` is daemonset_util.go."""
