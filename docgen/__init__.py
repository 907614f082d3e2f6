"""docgen: forms and reports for budget performance management (预算绩效管理)."""

__version__ = "0.1.0"
