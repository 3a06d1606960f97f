"""The ground floor: the error tree, host names and patterns, strict YAML, the Jinja2 environment.

Nothing here imports another nettsjekk package; every other package may import from here.
"""
