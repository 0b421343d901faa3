"""Workforce: records system for manufacturing plants."""

import os

# Piccolo finds its engine through this module path; set it before any table is used.
os.environ.setdefault("PICCOLO_CONF", "workforce.piccolo_conf")

__version__ = "0.1.0"
