"""``python -m jinmyaku_nlp`` runs the ``jinmyaku`` command."""

import sys

from jinmyaku_nlp.cli import main

sys.exit(main())
