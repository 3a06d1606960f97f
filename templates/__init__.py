"""nettsjekk.templates"""
