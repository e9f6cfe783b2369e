"""Frozen entry point of the ``openaisle`` app."""

import sys

from pos_app.main import main

if __name__ == "__main__":
    sys.exit(main())
