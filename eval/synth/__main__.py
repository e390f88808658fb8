"""`python -m eval.synth --reports N --out DIR [--seed S]` (see eval/synth/__init__.py)."""

from eval.synth import main

raise SystemExit(main())
