"""`python -m sync_server <command>`: see sync_server/cli.py and docs/server.md."""

from sync_server.cli import main

raise SystemExit(main())
