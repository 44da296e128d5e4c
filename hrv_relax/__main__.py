import sys

from hrv_relax.cli.main import main

sys.exit(main())
