"""`python -m chatconform.cli`: the same as the `chatconform` command."""

import sys

from chatconform.cli import main

sys.exit(main())
