# -*- test-case-name: tests.system.test_cli -*-
"""
C{python -m coherence_lite}: the C{coherence-lite} command.
"""

import sys

from coherence_lite.cli.main import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
