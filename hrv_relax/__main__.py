import sys

from hrv_relax.cli import main

sys.exit(main())
