"""`python -m noegletal` is the `noegletal` command."""

import sys

from noegletal.cli import main

sys.exit(main())
