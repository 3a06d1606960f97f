"""The ``nettsjekk`` command line: one module per command group, shared options in ``options``.

Nothing imports this package; it imports everything else.
"""
