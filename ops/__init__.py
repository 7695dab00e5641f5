"""Operating MedSync: backups and restore, Prometheus metrics, structured logs and readiness."""
