"""python -m ecs_bluegreen.emulator: the same as `bluegreen emulator`, with its options."""

import sys

from ..cli import main

sys.exit(main(["emulator", *sys.argv[1:]]))
