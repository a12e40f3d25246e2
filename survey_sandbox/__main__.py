"""Allow ``python -m survey_sandbox`` as well as the ``survey-sandbox`` script."""

import sys

from survey_sandbox.cli import main

sys.exit(main())
