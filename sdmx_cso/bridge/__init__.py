"""The SDMX bridge: the only place that imports sdmx1 (arrives with SDMX output)."""
