"""`python -m engine.cli` is the `playdesk` command."""

import sys

from engine.cli import main

sys.exit(main())
