"""The CronJob controller v2 (pkg/controller/cronjob): `controller` syncs CronJobs, `schedules` times them."""
