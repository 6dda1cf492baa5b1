"""
C{python -m coherence_lite}: the C{coherence-lite} command.
"""

import sys

from coherence_lite.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
