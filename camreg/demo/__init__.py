"""Demo data for development and tests: loaded by `manage.py load_demo` (DEMO_MODE only)."""
