"""`python -m eval.bench --reports N --out DIR ...` (see eval/bench/__init__.py)."""

from eval.bench import main

raise SystemExit(main())
