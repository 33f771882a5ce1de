"""The sync model shared by the phone and the server, free of I/O.

- `hlc`: hybrid logical clocks that order edits across devices with wrong wall clocks.
- `changes`: the wire shape of one change (what an outbox holds and a push carries).
- `merge`: the pure per-field merge that both sides run, so every replica converges.
"""
